# amaranth: UnusedElaboratable=no
"""The encoder with the arithmetic back end against ``encode_stream(..., coder="arith")``."""

import pytest

from gateware.encoder import Encoder
from golden.bits import BitWriter
from golden.core import encode_stream

from . import cases
from .harness import PATTERNS, run


def golden_words(streams, width, channels, word_width=32):
    out = []
    for samples in streams:
        writer = encode_stream(samples, width, channels, BitWriter(word_width), coder="arith")
        words = writer.flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
    return out


def rtl_encode(streams, width, channels, word_width=32, pattern="steady"):
    idle, backpressure = PATTERNS[pattern]
    inputs = [
        {"sample": x, "last": int(j == len(samples) - 1)}
        for samples in streams for j, x in enumerate(samples)
    ]
    result = run(Encoder(width, channels, word_width, coder="arith"), inputs, idle=idle,
                 backpressure=backpressure)
    return [(item["word"], item["last"]) for item in result.outputs], result


@pytest.mark.parametrize("name", cases.NAMES)
def test_cases(name):
    # three channels: a context's next symbol may come on the next clock or later
    samples = cases.make(name, 10, 400)
    assert rtl_encode([samples], 10, 3)[0] == golden_words([samples], 10, 3)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("channels", [1, 4])
def test_idle_and_backpressure(pattern, channels):
    samples = cases.make("escapes", 10, 150) + cases.make("walk", 10, 150)
    assert rtl_encode([samples], 10, channels, pattern=pattern)[0] == \
        golden_words([samples], 10, channels)


@pytest.mark.parametrize("width, word_width", [(1, 32), (4, 40), (12, 64), (16, 32)])
def test_widths(width, word_width):
    samples = cases.make("random", width, 150) + cases.make("alternating", width, 100)
    assert rtl_encode([samples], width, 2, word_width, "both")[0] == \
        golden_words([samples], width, 2, word_width)


def test_streams():
    # Streams shorter than a round of channels: every context and the coder restart.
    streams = [cases.make("random", 10, n, seed=n) for n in (1, 5, 2, 13, 7)] + [[0] * 32]
    for pattern in ("steady", "both"):
        assert rtl_encode(streams, 10, 6, pattern=pattern)[0] == golden_words(streams, 10, 6)


def test_recordings_at_1024_channels():
    # Real signal, 1024 channels: one sample a clock but for the stream's end and the runs
    # of pending bytes spelled out, which the item queue absorbs.
    segments = cases.recordings(count=2, length=3 * 1024)
    samples = [x for _, codes in segments for x in codes]
    words, result = rtl_encode([samples], 10, 1024)
    assert words == golden_words([samples], 10, 1024)
    assert result.stalls == 0
    assert result.input_cycles == list(range(len(samples)))


def test_recordings():
    # one channel, a sample every WEIGHT_SPAN clocks: a short stretch (the 1024-channel
    # test and the cocotb tests take longer ones)
    (_, codes), = cases.recordings(count=1, length=600)
    assert rtl_encode([codes], 10, 1, pattern="both")[0] == golden_words([codes], 10, 1)


def test_validation():
    with pytest.raises(ValueError, match=r"coder must be one of rice, arith, adc, not 'range'"):
        Encoder(10, 1, 32, coder="range")
    with pytest.raises(ValueError, match=r"word width must be 32, 40, ... 64 bits, not 24"):
        Encoder(4, 1, 24, coder="arith")


@pytest.mark.parametrize("near", [1, 3])
def test_near_lossless_through_the_arithmetic_back_end(near):
    # as ./encode --near codes: the quantised residuals of the near-lossless predictor
    samples = cases.make("walk", 10, 200) + cases.make("escapes", 10, 100)
    inputs = [{"sample": x, "last": int(j == len(samples) - 1)} for j, x in enumerate(samples)]
    result = run(Encoder(10, 16, 32, near=near, coder="arith"), inputs)
    words = encode_stream(samples, 10, 16, BitWriter(32), coder="arith", near=near).flush()
    assert [(item["word"], item["last"]) for item in result.outputs] == \
        [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
