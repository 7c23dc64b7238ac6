"""Tests of neurorice.fast.core: golden.core's encode and decode in C, bit for bit."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden import arith, core, predictor, rangecoder, rice
from golden.bits import TruncatedError
from neurorice.fast import _core as c_module
from neurorice.fast import core as fast
from tests.golden.test_core import edge_cases, walk

quick = settings(database=None, deadline=None, max_examples=25)
WIDTHS = range(1, 17)
CHANNELS = [1, 2, 3, 7, 1024]
CODERS = core.CODERS


def outcome(function, *args):
    """What ``function(*args)`` gives: ``("value", result)`` or ``("error", type, message)``."""
    try:
        return "value", function(*args)
    except Exception as error:  # noqa: BLE001 - the exception is what is compared
        return "error", type(error), str(error)


def assert_same_encode(samples, width, channels, coder="rice"):
    expected = core.encode(samples, width, channels, coder=coder)
    assert fast.encode(samples, width, channels, coder=coder) == expected
    return expected


def assert_same_decode(data, count, width, channels, coder="rice"):
    expected = outcome(lambda *a: core.decode(*a, coder=coder), data, count, width, channels)
    assert outcome(lambda *a: fast.decode(*a, coder=coder), data, count, width,
                   channels) == expected
    return expected


def test_constants_are_the_golden_models():
    assert c_module.ESCAPE_ZEROS == rice.ESCAPE_ZEROS
    assert c_module.RESET == rice.RESET
    assert c_module.AVERAGE_FRAC == predictor.AVERAGE_FRAC
    assert (c_module.AVERAGE_SHIFT_FAST, c_module.AVERAGE_SHIFT_SLOW) == predictor.AVERAGE_SHIFTS
    assert c_module.WEIGHT_FRAC == predictor.WEIGHT_FRAC
    assert (c_module.WEIGHT_MIN, c_module.WEIGHT_MAX) == (predictor.WEIGHT_MIN,
                                                          predictor.WEIGHT_MAX)
    assert c_module.STEP == predictor.STEP
    assert predictor.TAPS == 2 and predictor.FEATURES == 4
    assert (c_module.MAX_WIDTH, c_module.MAX_CHANNELS) == (core.MAX_WIDTH, core.MAX_CHANNELS)
    assert (c_module.RANGE_BITS, c_module.PROB_BITS) == (rangecoder.RANGE_BITS,
                                                         rangecoder.PROB_BITS)
    assert (c_module.SYMBOLS, c_module.TOP_BITS, c_module.RATE, c_module.MIN_FREQUENCY,
            c_module.PRIOR_COUNT) == (arith.SYMBOLS, arith.TOP_BITS, arith.RATE,
                                      arith.MIN_FREQUENCY, arith.PRIOR_COUNT)
    assert c_module.PRIOR == arith.PRIOR


def test_truncated_error_is_the_golden_class():
    assert c_module.TruncatedError is TruncatedError


# encoding and decoding: the same bytes, the same samples


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize("width", WIDTHS)
@quick
@given(data=st.data())
def test_random_samples(width, channels, coder, data):
    samples = data.draw(st.lists(st.integers(0, (1 << width) - 1), max_size=300))
    coded = assert_same_encode(samples, width, channels, coder)
    assert fast.decode(coded, len(samples), width, channels, coder=coder) == samples


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize("width", WIDTHS)
def test_edge_cases(width, channels, coder):
    for name, samples in edge_cases(width, length=2100).items():
        coded = assert_same_encode(samples, width, channels, coder)
        assert fast.decode(coded, len(samples), width, channels, coder=coder) == samples, name


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("width", WIDTHS)
def test_escapes_and_full_scale(width, coder):
    top = (1 << width) - 1
    samples = [0] * 300 + [top, 0] * 200 + [1 << (width - 1), 0] * 100 + [top] * 300
    coded = assert_same_encode(samples, width, 1, coder)
    assert fast.decode(coded, len(samples), width, 1, coder=coder) == samples


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("channels", [1, 7])
@pytest.mark.parametrize("width", [1, 10, 16])
def test_long_constant_and_walk(width, channels, coder):
    # long enough for the Rice state to halve and the weights to saturate, channel by channel,
    # and for the arithmetic coder's contexts to reach their slowest adaptation
    rng = random.Random(width)
    for samples in ([1 << (width - 1)] * 20000, walk(rng, width, 20000),
                    [(n * 977) % (1 << width) for n in range(20000)]):
        coded = assert_same_encode(samples, width, channels, coder)
        assert fast.decode(coded, len(samples), width, channels, coder=coder) == samples


@pytest.mark.parametrize("coder", CODERS)
def test_1024_channels_past_their_first_rice_reset(coder):
    samples = walk(random.Random(1024), 10, 260 * 1024)
    coded = assert_same_encode(samples, 10, 1024, coder)
    assert fast.decode(coded, len(samples), 10, 1024, coder=coder) == samples


def test_empty_and_single():
    for width in (1, 10, 16):
        for channels in (1, 1024):
            assert fast.encode([], width, channels) == b""
            assert fast.decode(b"", 0, width, channels) == []
            assert fast.encode([], width, channels, coder="arith") == b"\0\0"
            assert fast.decode(b"\0\0", 0, width, channels, coder="arith") == []
            assert_same_encode([1], width, channels)
            assert_same_encode([1], width, channels, "arith")


def test_arith_carries_through_runs_of_ff(monkeypatch):
    # streams whose range coder carries into pending 0xFF bytes, as the golden coder finds
    carried = []

    class Counting(rangecoder.RangeEncoder):
        def _put(self, byte):
            if byte >> 8:
                carried.append(self.pending)
            super()._put(byte)

    rng = random.Random(3)
    streams = [walk(rng, 10, 20000) for _ in range(3)]
    streams += [[rng.choice([0, 1023]) for _ in range(5000)]]
    monkeypatch.setattr(arith, "RangeEncoder", Counting)
    expected = [core.encode(samples, 10, coder="arith") for samples in streams]
    monkeypatch.undo()
    # (long runs of pending bytes: tests/golden/test_rangecoder.py, against exact arithmetic)
    assert len(carried) > 100 and sum(p >= 1 for p in carried) >= 3, carried
    for samples, data in zip(streams, expected):
        assert fast.encode(samples, 10, coder="arith") == data
        assert fast.decode(data, len(samples), 10, coder="arith") == samples


def test_any_sequence_of_ints():
    assert fast.encode((5, 6, 7), 4) == core.encode([5, 6, 7], 4)
    assert fast.encode(range(16), 4) == core.encode(list(range(16)), 4)


# errors: the same exception and message as the golden model


@pytest.mark.parametrize("args", [
    ([1], 0, 1), ([1], 17, 1), ([1], 10, 0), ([1], 10, 65536), ([1], 10.0, 1), ([1], 10, "1"),
])
def test_bad_parameters(args):
    expected = outcome(core.encode, *args)
    assert expected[0] == "error"
    assert outcome(fast.encode, *args) == expected
    _, width, channels = args
    assert outcome(fast.decode, b"", 1, width, channels) == outcome(
        core.decode, b"", 1, width, channels)


@pytest.mark.parametrize("samples", [
    [0, 1, 1024], [1024], [5, -1], [70000], [0, 2**70], [3, 1 << 16],
])
def test_samples_out_of_range(samples):
    expected = outcome(core.encode, samples, 10, 1)
    assert expected[0] == "error"
    assert outcome(fast.encode, samples, 10, 1) == expected


def coded(width, channels, length=80, seed=0, coder="rice"):
    rng = random.Random(seed)
    samples = walk(rng, width, length) if width > 2 else [rng.randrange(2) for _ in range(length)]
    return samples, core.encode(samples, width, channels, coder=coder)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("width", [1, 4, 10, 16])
def test_every_truncation(width, channels, coder):
    samples, data = coded(width, channels, coder=coder)
    for cut in range(len(data)):
        result = assert_same_decode(data[:cut], len(samples), width, channels, coder)
        assert result[0] == "error"


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("width", [1, 10, 16])
def test_wrong_counts(width, coder):
    samples, data = coded(width, 1, coder=coder)
    for count in (0, 1, len(samples) - 1, len(samples) + 1, 8 * len(data) + 5, 10**30, -3):
        assert_same_decode(data, count, width, 1, coder)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("extra", [b"\x00", b"\x01", b"\xff\xff", b"\x80" * 9])
def test_trailing_bytes(extra, coder):
    samples, data = coded(10, 1, coder=coder)
    assert assert_same_decode(data + extra, len(samples), 10, 1, coder)[0] == "error"


def test_nonzero_padding():
    writer = core.encode_stream([500, 501], 10)
    data = writer.to_bytes()
    assert writer.bits % 8
    assert assert_same_decode(data[:-1] + bytes([data[-1] | 1]), 2, 10, 1)[0] == "error"


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_out_of_range_residual(width):
    # 15 zeros, then a one: a quotient that no residual of so few bits has
    result = assert_same_decode(bytes([0, 1]) + bytes(8), 3, width, 1)
    assert result[2] == "residual of sample 0 is out of range: corrupted stream"


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("channels", [1, 2, 1024])
@pytest.mark.parametrize("width", [1, 3, 10, 16])
@quick
@given(data=st.binary(max_size=64), count=st.integers(0, 600))
def test_arbitrary_streams(width, channels, coder, data, count):
    assert_same_decode(data, count, width, channels, coder)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("width", [2, 10, 16])
@quick
@given(flips=st.lists(st.integers(0, 10**6), min_size=1, max_size=4))
def test_corrupted_streams(width, coder, flips):
    samples, data = coded(width, 2, length=200, seed=width, coder=coder)
    corrupted = bytearray(data)
    for flip in flips:
        corrupted[flip // 8 % len(data)] ^= 1 << flip % 8
    assert_same_decode(bytes(corrupted), len(samples), width, 2, coder)


def test_arith_out_of_range_residual_and_start():
    assert assert_same_decode(b"\x50\x00\x00\x00", 1, 1, 1, "arith")[2] == (
        "residual of sample 0 is out of range: corrupted stream")
    assert assert_same_decode(b"\xff\xff\x00", 0, 10, 1, "arith")[2] == (
        "arithmetic-coded stream starts outside its interval")
    assert assert_same_decode(b"\x00", 0, 10, 1, "arith")[1] is TruncatedError


def test_arith_garbage_decodes_until_the_stream_ends():
    # a likely symbol costs less than a bit: far more samples than bits, then the end
    data = bytes(40)
    result = assert_same_decode(data, 10**9, 10, 1, "arith")
    assert result[1] is TruncatedError
