# amaranth: UnusedElaboratable=no
"""The whole encoder against :func:`golden.core.encode_stream`, word for word."""

import pytest

from gateware.encoder import LATENCY, Encoder, latency
from gateware.predictor import WEIGHT_SPAN
from golden.bits import BitWriter, LengthRecorder
from golden.core import encode_stream

from . import cases
from .harness import PATTERNS, run


def golden_words(streams, width, channels, word_width=32):
    out = []
    for samples in streams:
        words = encode_stream(samples, width, channels, BitWriter(word_width)).flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
    return out


def rtl_encode(streams, width, channels, word_width=32, pattern="steady"):
    idle, backpressure = PATTERNS[pattern]
    inputs = [
        {"sample": x, "last": int(j == len(samples) - 1)}
        for samples in streams for j, x in enumerate(samples)
    ]
    result = run(Encoder(width, channels, word_width), inputs, idle=idle,
                 backpressure=backpressure)
    return [(item["word"], item["last"]) for item in result.outputs], result


@pytest.mark.parametrize("name", cases.NAMES)
@pytest.mark.parametrize("channels", [1, 3])
def test_cases(name, channels):
    samples = cases.make(name, 10, 400)
    assert rtl_encode([samples], 10, channels)[0] == golden_words([samples], 10, channels)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("channels", [1, 2, 4])
def test_idle_and_backpressure(pattern, channels):
    samples = cases.make("escapes", 10, 150) + cases.make("walk", 10, 150)
    assert rtl_encode([samples], 10, channels, pattern=pattern)[0] == \
        golden_words([samples], 10, channels)


@pytest.mark.parametrize("width, word_width", [(1, 24), (4, 24), (8, 24), (12, 40), (16, 32),
                                               (16, 64)])
def test_widths(width, word_width):
    samples = cases.make("random", width, 150) + cases.make("alternating", width, 100)
    assert rtl_encode([samples], width, 2, word_width, "both")[0] == \
        golden_words([samples], width, 2, word_width)


def test_streams():
    # Streams shorter than a round of channels, and one ending on a word boundary.
    streams = [cases.make("random", 10, n, seed=n) for n in (1, 5, 2, 13, 7)] + [[0] * 32]
    for pattern in ("steady", "both"):
        assert rtl_encode(streams, 10, 6, pattern=pattern)[0] == golden_words(streams, 10, 6)


def test_1024_channels():
    samples = cases.make("walk", 10, 3 * 1024, seed=3)
    assert rtl_encode([samples], 10, 1024, pattern="both")[0] == \
        golden_words([samples], 10, 1024)


def test_recordings():
    segments = cases.recordings(count=4, length=2000)
    for (_, codes), pattern in zip(segments, ["steady", "idle", "backpressure", "both"]):
        assert rtl_encode([codes], 10, 1, pattern=pattern)[0] == golden_words([codes], 10, 1)
    # The four recordings as four interleaved channels.
    interleaved = [x for group in zip(*(codes for _, codes in segments)) for x in group]
    assert rtl_encode([interleaved], 10, 4, pattern="bursty")[0] == \
        golden_words([interleaved], 10, 4)


@pytest.mark.parametrize("channels", [WEIGHT_SPAN + 1, 16])
def test_throughput_and_latency(channels):
    # Worst case for the packer (escapes) and real spread: one sample a clock, and each
    # word LATENCY cycles after the sample that completes it. The final sample of a stream
    # can complete two words, the second of which, and words of the next stream behind it,
    # come a cycle later.
    streams = [cases.make("escapes", 10, 300), cases.make("walk", 10, 301), [5], [9, 3]]
    words, result = rtl_encode(streams, 10, channels)
    assert words == golden_words(streams, 10, channels)
    assert result.stalls == 0
    assert result.input_cycles == list(range(sum(map(len, streams))))
    latencies = []
    first_sample = word_index = 0
    for samples in streams:
        writer = encode_stream(samples, 10, channels, LengthRecorder(32))
        ends = [sum(writer.lengths[: j + 1]) for j in range(len(samples))]
        for q in range(len(writer.flush())):
            j = next((j for j, end in enumerate(ends) if end >= (q + 1) * 32), len(samples) - 1)
            latencies.append(result.output_cycles[word_index]
                             - result.input_cycles[first_sample + j])
            word_index += 1
        first_sample += len(samples)
    assert set(latencies) == {LATENCY, LATENCY + 1}
    assert latencies.count(LATENCY) > 0.9 * len(latencies)


@pytest.mark.parametrize("channels", [1, 2, WEIGHT_SPAN])
def test_few_channels_rate(channels):
    # With no more channels than the predictor's weight loop has stages, a channel's
    # sample waits for its previous one to leave the loop.
    samples = cases.make("walk", 10, 20 * channels, seed=channels)
    _, result = rtl_encode([samples], 10, channels)
    period = WEIGHT_SPAN if channels == 1 else WEIGHT_SPAN + 1
    cycles = result.input_cycles
    assert all(cycles[n] - cycles[n - channels] == period for n in range(channels, len(cycles)))


def test_validation():
    with pytest.raises(ValueError, match=r"sample width must be 1..16 bits, not 0"):
        Encoder(0)
    with pytest.raises(ValueError, match=r"channel count must be 1..65535, not 65536"):
        Encoder(10, 65536)
    with pytest.raises(TypeError, match=r"channel count must be an integer, not 2.0"):
        Encoder(10, 2.0)
    with pytest.raises(ValueError, match=r"word width must be at least 32 bits"):
        Encoder(16, 1, 24)


# near-lossless: encode_stream(..., near=δ), word for word


def golden_near_words(streams, width, channels, near):
    out = []
    for samples in streams:
        words = encode_stream(samples, width, channels, BitWriter(32), near=near).flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
    return out


def rtl_near_encode(streams, width, channels, near, pattern="steady"):
    idle, backpressure = PATTERNS[pattern]
    inputs = [{"sample": x, "last": int(j == len(samples) - 1)}
              for samples in streams for j, x in enumerate(samples)]
    result = run(Encoder(width, channels, near=near), inputs, idle=idle,
                 backpressure=backpressure)
    return [(item["word"], item["last"]) for item in result.outputs], result


@pytest.mark.parametrize(("channels", "near", "pattern"), [
    (1, 2, "both"), (3, 4, "idle"), (16, 8, "backpressure"), (2, 511, "bursty")])
def test_near(channels, near, pattern):
    samples = cases.make("escapes", 10, 150) + cases.make("walk", 10, 250)
    words, result = rtl_near_encode([samples], 10, channels, near, pattern)
    assert words == golden_near_words([samples], 10, channels, near)


def test_near_recordings_and_streams():
    segments = cases.recordings(count=2, length=1500)
    streams = [codes for _, codes in segments] + [cases.make("random", 10, n) for n in (1, 5)]
    assert rtl_near_encode(streams, 10, 3, 2, "both")[0] == golden_near_words(streams, 10, 3, 2)


def test_near_latency():
    samples = cases.make("walk", 10, 300)
    words, result = rtl_near_encode([samples], 10, 20, 3)
    assert words == golden_near_words([samples], 10, 20, 3)
    # one sample a clock with more channels than the predictor's stages
    assert result.input_cycles == list(range(result.input_cycles[0],
                                             result.input_cycles[0] + len(samples)))
    assert latency(3) == LATENCY + 5


def test_near_validation():
    with pytest.raises(ValueError, match="must be generic, not 'ice40'"):
        Encoder(10, 2, near=1, state_memory="ice40")
    with pytest.raises(ValueError, match=r"near \(the error bound δ\) must be an integer 0..511"):
        Encoder(10, 1, near=600)
