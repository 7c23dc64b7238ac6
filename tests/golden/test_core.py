"""Tests of golden.core: the interleaved codec that the gateware implements."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden import core
from golden.bits import BitWriter
from golden.rangecoder import RANGE_BITS
from golden.rice import max_codeword_bits

quick = settings(database=None, deadline=None, max_examples=15)
WIDTHS = range(1, 17)
CHANNELS = [1, 2, 3, 7]
CODERS = core.CODERS


def max_stream_bits(count, width, coder):
    """The worst case: every sample a Rice escape, or a rarest symbol and W bypass bits."""
    if coder == "rice":
        return count * max_codeword_bits(width)
    return count * (15 + width) + RANGE_BITS


def round_trip(samples, width, channels=1, coder="rice"):
    data = core.encode(samples, width, channels, coder=coder)
    assert core.decode(data, len(samples), width, channels, coder=coder) == samples
    assert 8 * len(data) < max_stream_bits(len(samples), width, coder) + 8
    return data


def samples_of(width, max_size=120):
    return st.lists(st.integers(0, (1 << width) - 1), max_size=max_size)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize("width", WIDTHS)
@quick
@given(data=st.data())
def test_round_trip(width, channels, coder, data):
    round_trip(data.draw(samples_of(width)), width, channels, coder)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize("width", [1, 10, 16])
def test_zero_and_one_sample(width, channels, coder):
    # an arithmetic-coded stream always ends with the coder's 16-bit window
    assert round_trip([], width, channels, coder) == (b"" if coder == "rice" else b"\0\0")
    for sample in {0, 1, (1 << width) - 1, 1 << (width - 1)}:
        round_trip([sample], width, channels, coder)


def edge_cases(width, length=400):
    """Named sample sequences of ``width`` bits."""
    top = (1 << width) - 1
    rng = random.Random(width)
    return {
        "zeros": [0] * length,
        "top": [top] * length,
        "mid": [1 << (width - 1)] * length,
        "square": [0, top] * (length // 2),
        "slow square": ([0] * 7 + [top] * 7) * (length // 14),
        "ramp up": [n % (top + 1) for n in range(length)],
        "ramp down": [top - n % (top + 1) for n in range(length)],
        "steep ramp": [(n * 37) % (top + 1) for n in range(length)],
        "random": [rng.randrange(top + 1) for _ in range(length)],
        "random walk": walk(rng, width, length),
        "wrap": [top, 0, 1, top, top - 1, 0] * (length // 6),
    }


def walk(rng, width, length):
    top, value, out = (1 << width) - 1, 1 << (width - 1), []
    for _ in range(length):
        value = min(top, max(0, value + rng.randint(-3, 3)))
        out.append(value)
    return out


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize("width", [1, 2, 5, 8, 10, 12, 15, 16])
def test_edge_cases(width, channels, coder):
    for name, samples in edge_cases(width).items():
        data = core.encode(samples, width, channels, coder=coder)
        assert core.decode(data, len(samples), width, channels, coder=coder) == samples, name


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("width", WIDTHS)
def test_escapes_round_trip(width, coder):
    # residuals alternating between the two ends of the range keep k low and force escapes
    top = (1 << width) - 1
    samples = [0] * 300 + [top, 0] * 100 + [0] * 50 + [1 << (width - 1), 0] * 100
    data = round_trip(samples, width, coder=coder)
    if width >= 5 and coder == "rice":
        # an escape is 16 zeros: the stream must contain runs of them
        bits = "".join(format(b, "08b") for b in data)
        assert "0" * 16 in bits


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("width", WIDTHS)
def test_worst_case_size_is_bounded(width, coder):
    # uniform noise is the hardest input: every sample within the escape bound
    rng = random.Random(1000 + width)
    samples = [rng.randrange(1 << width) for _ in range(500)]
    writer = core.encode_stream(samples, width, coder=coder)
    assert writer.bits <= max_stream_bits(len(samples), width, coder)
    assert core.decode(writer.to_bytes(), len(samples), width, coder=coder) == samples


def test_arith_beats_rice_on_noise_like_a_recording():
    # a Gaussian residual: the adaptive CDF codes its shape, Rice its octave
    rng = random.Random(11)
    samples = [min(1023, max(0, round(rng.gauss(512, 12)))) for _ in range(20000)]
    rice = core.encode(samples, 10)
    arith = round_trip(samples, 10, coder="arith")
    assert len(arith) < 0.99 * len(rice)


def test_arith_stream_into_given_writer():
    writer = BitWriter(64)
    assert core.encode_stream([1, 2, 3], 10, writer=writer, coder="arith") is writer
    assert writer.to_bytes() == core.encode([1, 2, 3], 10, coder="arith")


def test_constant_costs_a_bit_a_sample():
    # once k has settled at 0, an exact prediction is the one-bit codeword "1"
    data = core.encode([300] * 8000, 10)
    assert len(data) < 8000 // 8 + 100


def test_channels_keep_separate_state():
    # two smooth channels far apart: coded as two channels each is predicted from its own past,
    # coded as one the prediction jumps between them at every sample
    rng = random.Random(5)
    a = [x // 8 for x in walk(rng, 10, 500)]
    b = [1023 - x // 8 for x in walk(rng, 10, 500)]
    mixed = [x for pair in zip(a, b) for x in pair]
    two = round_trip(mixed, 10, 2)
    one = round_trip(mixed, 10, 1)
    assert len(two) < len(one) / 2


def test_encode_stream_into_given_writer():
    writer = BitWriter(64)
    assert core.encode_stream([1, 2, 3], 10, writer=writer) is writer
    assert writer.to_bytes() == core.encode([1, 2, 3], 10)


def test_samples_may_be_any_iterable():
    assert core.encode(iter([5, 6, 7]), 4) == core.encode([5, 6, 7], 4)
    assert core.encode((5, 6, 7), 4) == core.encode([5, 6, 7], 4)


# malformed streams


def coded(width, channels, length=60, seed=0, coder="rice"):
    rng = random.Random(seed)
    samples = (
        walk(rng, width, length)
        if width > 2
        else [rng.randrange(1 << width) for _ in range(length)]
    )
    return samples, core.encode(samples, width, channels, coder=coder)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("width", [1, 4, 10, 16])
def test_every_truncation_raises(width, channels, coder):
    samples, data = coded(width, channels, coder=coder)
    for cut in range(len(data)):
        with pytest.raises(ValueError):
            core.decode(data[:cut], len(samples), width, channels, coder=coder)


@quick
@given(
    st.integers(1, 16).flatmap(
        lambda w: st.tuples(
            st.just(w),
            st.sampled_from(CHANNELS),
            st.lists(st.integers(0, (1 << w) - 1), min_size=1, max_size=80),
            st.integers(1, 1 << 20),
            st.sampled_from(CODERS),
        )
    )
)
def test_truncation_raises(case):
    width, channels, samples, cut, coder = case
    data = core.encode(samples, width, channels, coder=coder)
    with pytest.raises(ValueError):
        core.decode(data[: len(data) - 1 - cut % len(data)], len(samples), width, channels,
                    coder=coder)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("width", [1, 10, 16])
def test_wrong_count_raises(width, coder):
    samples, data = coded(width, 1, coder=coder)
    try:
        longer = core.decode(data, len(samples) + 1, width, coder=coder)
    except ValueError:
        pass
    else:
        # a likely symbol can cost less than a bit, so an arithmetic-coded stream may read
        # as one sample longer: the container's count and CRC decide (docs/FORMAT.md)
        assert coder in ("arith", "adc") and longer[:-1] == samples
    try:
        shorter = core.decode(data, len(samples) - 1, width, coder=coder)
    except ValueError as error:
        assert "data after its last sample" in str(error)
    else:
        # the same, when the last sample is symbol 0 and its bits are zeros
        assert coder in ("arith", "adc") and shorter == samples[:-1]
    with pytest.raises(ValueError, match="data after its last sample"):
        core.decode(data, 0, width, coder=coder)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("extra", [b"\x00", b"\x01", b"\xff\xff"])
def test_trailing_bytes_raise(extra, coder):
    samples, data = coded(10, 1, coder=coder)
    with pytest.raises(ValueError, match="data after its last sample"):
        core.decode(data + extra, len(samples), 10, coder=coder)


def test_arith_stream_must_end_at_the_interval_base():
    # the last bits are the final low: changed, they leave the code off it (or the padding
    # nonzero), even where the samples still decode the same
    samples, data = coded(10, 1, coder="arith")
    for flip in range(1, 256):
        corrupted = data[:-1] + bytes([data[-1] ^ flip])
        with pytest.raises(ValueError):
            core.decode(corrupted, len(samples), 10, coder="arith")


def test_nonzero_padding_raises():
    samples = [500, 501]
    writer = core.encode_stream(samples, 10)
    data = writer.to_bytes()
    assert writer.bits % 8, "the case needs padding bits"
    corrupted = data[:-1] + bytes([data[-1] | 1])
    with pytest.raises(ValueError, match="data after its last sample"):
        core.decode(corrupted, len(samples), 10)


@pytest.mark.parametrize(
    "data, width",
    [
        # k = 0 at 1 bit: "001" is the value 2, beyond the residuals -1 and 0
        (b"\x20", 1),
        # k = 1 at 4 bits: fifteen zeros, the one and a low bit are 30, beyond 15
        (b"\x00\x01\x00", 4),
    ],
)
def test_out_of_range_residual_raises(data, width):
    with pytest.raises(ValueError, match="residual of sample 0 is out of range"):
        core.decode(data, 1, width)


def test_out_of_range_arith_residual_raises():
    # code 0x5000 falls in symbol 2 of the prior at k = 0: u = 2 at 1 bit, beyond -1 and 0
    with pytest.raises(ValueError, match="residual of sample 0 is out of range"):
        core.decode(b"\x50\x00\x00\x00", 1, 1, coder="arith")


@pytest.mark.parametrize("coder", CODERS)
def test_garbage_never_crashes(coder):
    rng = random.Random(7)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
        width, channels = rng.randrange(1, 17), rng.choice(CHANNELS)
        try:
            result = core.decode(data, rng.randrange(0, 50), width, channels, coder=coder)
        except ValueError:
            continue
        assert all(0 <= x < 1 << width for x in result)


# parameters


@pytest.mark.parametrize("width", [0, 17, -1, 10.0, "10", None])
def test_bad_width(width):
    with pytest.raises(ValueError, match=r"sample width must be 1\.\.16 bits, not "):
        core.encode([0], width)
    with pytest.raises(ValueError, match=r"sample width must be 1\.\.16 bits, not "):
        core.decode(b"", 0, width)


@pytest.mark.parametrize("channels", [0, -1, 65536, 2.0, None])
def test_bad_channels(channels):
    with pytest.raises(ValueError, match=r"channel count must be 1\.\.65535, not "):
        core.encode([0], 10, channels)
    with pytest.raises(ValueError, match=r"channel count must be 1\.\.65535, not "):
        core.decode(b"", 0, 10, channels)


@pytest.mark.parametrize("coder", ["Rice", "range", None, 1])
def test_bad_coder(coder):
    with pytest.raises(ValueError, match=r"coder must be one of rice, arith, adc, not "):
        core.encode([0], 10, coder=coder)
    with pytest.raises(ValueError, match=r"coder must be one of rice, arith, adc, not "):
        core.decode(b"", 0, 10, coder=coder)


def test_bad_parameters_name_the_value():
    with pytest.raises(ValueError, match="not 17"):
        core.encode([], 17)
    with pytest.raises(ValueError, match="not 0"):
        core.encode([], 10, 0)


def test_most_channels():
    samples = list(range(1024)) * 2
    assert core.decode(core.encode(samples, 10, 65535), len(samples), 10, 65535) == samples


@pytest.mark.parametrize(
    "width, samples, index, value",
    [
        (10, [0, 1, 1024], 2, 1024),
        (10, [-1], 0, -1),
        (1, [0, 1, 0, 2], 3, 2),
        (16, [65535, 65536], 1, 65536),
        (16, [-32768], 0, -32768),
    ],
)
def test_out_of_range_sample(width, samples, index, value):
    message = f"sample {index} is {value}, not a {width}-bit unsigned value"
    with pytest.raises(ValueError, match=message):
        core.encode(samples, width)
