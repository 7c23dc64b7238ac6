"""Tests of neurorice.fast.core: golden.core's encode and decode in C, bit for bit."""

import random
from array import array
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden import adc, arith, core, interval, predictor, rangecoder, rice
from golden.bits import TruncatedError
from golden.near import max_near
from neurorice.fast import _core as c_module
from neurorice.fast import core as fast
from neurorice.fast import edges as fast_edges
from tests.golden.test_core import edge_cases, walk
from tests.test_fast_build import portable  # noqa: F401 - a fixture, the portable C module

quick = settings(database=None, deadline=None, max_examples=25)
WIDTHS = range(1, 17)
CHANNELS = [1, 2, 3, 7, 1024]
CODERS = core.CODERS
#: The golden "adc" back end runs at about 45 k samples/s encoding and 17 k decoding: the
#: sweeps over every width run it at these (and its own tests below cover the tables).
ADC_WIDTHS = [1, 4, 10, 16]


def sweep(widths, coders=CODERS):
    """``(width, coder)`` pairs: every width for rice and arith, ADC_WIDTHS of them for adc."""
    return [(w, c) for c in coders for w in widths if c != "adc" or w in ADC_WIDTHS]


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
    assert (c_module.FRACTION_BITS, c_module.MAX_CODE_WIDTH) == (adc.FRACTION_BITS,
                                                                 adc.MAX_WIDTH)
    assert (c_module.BINS, c_module.BIN_SHIFT, c_module.INTERPOLATION_BITS, c_module.CONTEXTS,
            c_module.UPDATE_EVERY, c_module.ADC_RATE, c_module.HALF, c_module.ADC_ESCAPE,
            c_module.ADC_ADAPTIVE_TOTAL, c_module.ADC_PRIOR_COUNT) == (
        interval.BINS, interval.BIN_SHIFT, interval.INTERPOLATION_BITS, interval.CONTEXTS,
        interval.UPDATE_EVERY, interval.RATE, interval.HALF, interval.ESCAPE,
        interval.ADAPTIVE_TOTAL, interval.PRIOR_COUNT)
    assert c_module.ADC_PRIOR == interval.PRIOR


def test_truncated_error_is_the_golden_class():
    assert c_module.TruncatedError is TruncatedError


# encoding and decoding: the same bytes, the same samples


@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize(("width", "coder"), sweep(WIDTHS))
@quick
@given(data=st.data())
def test_random_samples(width, channels, coder, data):
    samples = data.draw(st.lists(st.integers(0, (1 << width) - 1), max_size=300))
    coded = assert_same_encode(samples, width, channels, coder)
    assert fast.decode(coded, len(samples), width, channels, coder=coder) == samples


@pytest.mark.parametrize(("width", "channels", "coder"), [
    (width, channels, coder) for coder in CODERS for width in WIDTHS for channels in CHANNELS
    if coder != "adc" or (width in ADC_WIDTHS and channels in (1, 3))
    or (width, channels) == (10, 1024)])
def test_edge_cases(width, channels, coder):
    # adc: shorter streams but for the 1024 channels' (2 samples a channel)
    length = 700 if coder == "adc" and channels < 1024 else 2100
    for name, samples in edge_cases(width, length=length).items():
        coded = assert_same_encode(samples, width, channels, coder)
        assert fast.decode(coded, len(samples), width, channels, coder=coder) == samples, name


@pytest.mark.parametrize(("width", "coder"), sweep(WIDTHS))
def test_escapes_and_full_scale(width, coder):
    top = (1 << width) - 1
    samples = [0] * 300 + [top, 0] * 200 + [1 << (width - 1), 0] * 100 + [top] * 300
    coded = assert_same_encode(samples, width, 1, coder)
    assert fast.decode(coded, len(samples), width, 1, coder=coder) == samples


@pytest.mark.parametrize(("width", "channels", "coder"), [
    (width, channels, coder) for coder in CODERS for width in (1, 10, 16) for channels in (1, 7)
    if coder != "adc" or (width, channels) == (16, 7)])
def test_long_constant_and_walk(width, channels, coder):
    # long enough for the Rice state to halve and the weights to saturate, channel by channel,
    # and for the arithmetic coders' contexts to reach their slowest adaptation
    rng = random.Random(width)
    for samples in ([1 << (width - 1)] * 20000, walk(rng, width, 20000),
                    [(n * 977) % (1 << width) for n in range(20000)]):
        coded = assert_same_encode(samples, width, channels, coder)
        assert fast.decode(coded, len(samples), width, channels, coder=coder) == samples


@pytest.mark.parametrize("coder", ["rice", "arith"])  # adc: 7 channels past it, above
def test_1024_channels_past_their_first_rice_reset(coder):
    samples = walk(random.Random(1024), 10, 260 * 1024)
    coded = assert_same_encode(samples, 10, 1024, coder)
    assert fast.decode(coded, len(samples), 10, 1024, coder=coder) == samples


def test_empty_and_single():
    for width in (1, 10, 16):
        for channels in (1, 1024):
            assert fast.encode([], width, channels) == b""
            assert fast.decode(b"", 0, width, channels) == []
            for coder in ("arith", "adc"):
                assert fast.encode([], width, channels, coder=coder) == b"\0\0"
                assert fast.decode(b"\0\0", 0, width, channels, coder=coder) == []
                assert_same_encode([1], width, channels, coder)
            assert_same_encode([1], width, channels)


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


def test_adc_carries_through_runs_of_ff(monkeypatch):
    # the adc back end's own copy of the range encoder's carry, as above
    carried = []

    class Counting(rangecoder.RangeEncoder):
        def _put(self, byte):
            if byte >> 8:
                carried.append(self.pending)
            super()._put(byte)

    rng = random.Random(3)
    streams = [walk(rng, 10, 8000) for _ in range(2)]
    streams += [[rng.choice([0, 1023]) for _ in range(2000)]]
    monkeypatch.setattr(interval, "RangeEncoder", Counting)
    expected = [core.encode(samples, 10, coder="adc") for samples in streams]
    monkeypatch.undo()
    assert len(carried) > 100 and sum(p >= 1 for p in carried) >= 3, carried
    for samples, data in zip(streams, expected):
        assert fast.encode(samples, 10, coder="adc") == data
        assert fast.decode(data, len(samples), 10, coder="adc") == samples


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


# the adc back end: escapes, width tables, and its errors


def test_adc_escapes_and_start():
    # a first code of 0xFFFB .. 0xFFFE is the escape: its bypass bits name a code the model
    # can code (an error), a code it cannot (a far tail), or, near-lossless, a code off the
    # bins' lattice (an error)
    codable = "escape of a sample the model can code"
    assert assert_same_decode(b"\xff\xfb\x00\x00\x00", 1, 10, 1, "adc")[2] == codable
    assert assert_same_decode(b"\xff\xfb\x80\x00\x00", 1, 10, 1, "adc") == ("value", [128])
    for near in (1, 2):
        for data in (b"\xff\xfb\x40\x00\x00", b"\xff\xfc\x00\x00\x00"):
            expected = outcome(partial(core.decode, coder="adc", near=near), data, 1, 10, 1)
            assert expected[2] == codable
            assert outcome(partial(fast.decode, coder="adc", near=near), data, 1, 10, 1) == (
                expected)
    assert assert_same_decode(b"\xff\xff\x00", 0, 10, 1, "adc")[2] == (
        "arithmetic-coded stream starts outside its interval")
    assert assert_same_decode(b"\x00", 0, 10, 1, "adc")[1] is TruncatedError
    # code 511 of the built-in table has zero width: always an escape, never an error
    samples = [511, 510, 511, 512] * 50
    coded = assert_same_encode(samples, 10, 1, "adc")
    assert fast.decode(coded, len(samples), 10, 1, coder="adc") == samples


@pytest.mark.parametrize("width", [4, 10, 16])
def test_adc_far_bins_on_several_channels(width):
    # full-scale steps and lone spikes: targets past the first 16 bins on both sides of the
    # middle, which the decoder finds from the range decoder's state, not the target
    # (interval.c, adc_bin_at()); 3 channels: the loops' vector features (features_sum())
    top = (1 << width) - 1
    samples = [(n // 30) % 2 * top for n in range(600)] + [
        top >> 1 if n % 37 else 0 if n % 74 else top for n in range(300)]
    coded = assert_same_encode(samples, width, 3, "adc")
    assert fast.decode(coded, len(samples), width, 3, coder="adc") == samples


#: Width tables: each period a power of two, some with codes of zero width and exceptions.
TABLES = {
    "uniform": adc.UNIFORM,
    "built-in": adc.DEFAULT,
    "exceptions": adc.AdcTable([30, 2, 0, 32], {5: 200, 6: 0, 1023: 0}),
    "zero every other": adc.AdcTable([0, 255]),
    "one wide code a period": adc.AdcTable([255] + [0] * 15, {0: 0, 3: 7}),
    "narrow": adc.AdcTable([1]),
    "zero-width ends": adc.AdcTable([16, 9, 23, 16], {0: 0, 1: 0, 15: 0}),
    "long period": adc.AdcTable([(x * 37) % 40 for x in range(1024)]),
}


def fits(table, width):
    try:
        table.check(width)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("name", "width"), [
    (name, width) for name, table in TABLES.items() for width in ADC_WIDTHS
    if fits(table, width)])
def test_adc_tables(name, width):
    table, top = TABLES[name], (1 << width) - 1
    rng = random.Random(width)
    samples = walk(rng, width, 160) + [0, top] * 10 + [top] * 10 + [
        rng.randrange(top + 1) for _ in range(20)]
    for channels, near in [(1, 0), (3, min(1, max_near(width)))]:
        options = {"coder": "adc", "near": near, "table": table}
        expected = core.encode(samples, width, channels, **options)
        assert fast.encode(samples, width, channels, **options) == expected
        restored = outcome(partial(core.decode, **options), expected, len(samples), width,
                           channels)
        assert restored[0] == "value" and (near or restored[1] == samples)
        assert outcome(partial(fast.decode, **options), expected, len(samples), width,
                       channels) == restored
        for cut in (0, 1, 2, len(expected) // 2, len(expected) - 1):
            assert outcome(partial(fast.decode, **options), expected[:cut], len(samples), width,
                           channels) == outcome(partial(core.decode, **options), expected[:cut],
                                                len(samples), width, channels)


@pytest.mark.parametrize(("table", "width"), [
    (adc.AdcTable([16] * 8), 2),  # a period longer than the codes
    (adc.AdcTable([16], {1023: 4}), 9),  # an exception beyond them
    (adc.AdcTable([16], {0: 0, 1: 0}), 1),  # every code of zero width
])
def test_adc_bad_tables(table, width):
    expected = outcome(partial(core.encode, coder="adc", table=table), [0], width)
    assert expected[0] == "error"
    assert outcome(partial(fast.encode, coder="adc", table=table), [0], width) == expected
    assert outcome(partial(fast.decode, coder="adc", table=table), b"\0\0", 0, width) == (
        outcome(partial(core.decode, coder="adc", table=table), b"\0\0", 0, width))
    # the other back ends have no table, and take any
    for coder in ("rice", "arith"):
        assert fast.encode([0, 1], width, coder=coder, table=table) == core.encode(
            [0, 1], width, coder=coder, table=table)


def test_adc_default_table():
    for width, table in [(10, adc.DEFAULT), (9, adc.UNIFORM)]:
        samples = walk(random.Random(4), width, 300)
        assert fast.encode(samples, width, coder="adc") == core.encode(
            samples, width, coder="adc", table=table)


def test_edges_are_the_tables():
    for table in TABLES.values():
        for width in ADC_WIDTHS:
            if fits(table, width):
                assert fast_edges.edges(table, width) == array(
                    "i", [table.edge(x) for x in range(2**width + 1)]).tobytes()
    assert len(fast_edges._kept) <= fast_edges.KEPT
    with pytest.raises(ValueError, match="exceeds the 2 codes"):
        fast_edges.edges(adc.AdcTable([16] * 4), 1)


@pytest.mark.parametrize("edges", [
    b"", bytes(4 * 17 - 1), array("i", range(18)).tobytes(),  # sizes
    array("i", [0] * 17).tobytes(),  # no code of any width
    array("i", [1] + [16] * 16).tobytes(),  # not from 0
    array("i", [0, 16, 8] + [16] * 14).tobytes(),  # falling
    array("i", [0, 256] + [256] * 15).tobytes(),  # a code wider than 255
])
def test_c_module_checks_edges(edges):
    values = array("H", [1, 2, 3])
    with pytest.raises(ValueError, match="edges must"):
        c_module.encode(values, 4, 1, edges=edges)
    with pytest.raises(ValueError, match="edges must"):
        c_module.decode(b"\0\0", 0, 4, 1, edges=edges)
    good = fast_edges.edges(adc.UNIFORM, 4)
    with pytest.raises(ValueError, match="exclude each other"):
        c_module.encode(values, 4, 1, arith=True, edges=good)


def test_the_portable_build_has_the_same_adc_bits(portable):  # noqa: F811 - the fixture
    # the SSE2 bin search against the plain C of other processors, and against golden
    rng = random.Random(13)
    for width, channels, near, table in [(10, 1, 0, adc.DEFAULT), (16, 3, 0, adc.UNIFORM),
                                         (10, 2, 2, TABLES["zero-width ends"]),
                                         (4, 1, 0, TABLES["one wide code a period"])]:
        samples = [rng.getrandbits(width) if rng.random() < 0.1 else (1 << width - 1) + i % 5
                   for i in range(1500)]
        edges = fast_edges.edges(table, width)
        values = array("H", samples)
        data = core.encode(samples, width, channels, coder="adc", near=near, table=table)
        assert portable.encode(values, width, channels, near=near, edges=edges) == data
        assert (portable.decode(data, len(samples), width, channels, near=near, edges=edges)
                == c_module.decode(data, len(samples), width, channels, near=near,
                                   edges=edges))
    codes = array("H", walk(rng, 10, 200000))
    edges = fast_edges.edges(adc.DEFAULT, 10)
    data = c_module.encode(codes, 10, 1, edges=edges)
    assert portable.encode(codes, 10, 1, edges=edges) == data
    assert portable.decode(data, len(codes), 10, 1, edges=edges) == codes.tobytes()


# near-lossless: the same bytes and samples as the golden model for every δ


def assert_same_near(samples, width, channels, near, coder="rice"):
    expected = core.encode(samples, width, channels, coder=coder, near=near)
    assert fast.encode(samples, width, channels, coder=coder, near=near) == expected
    restored = core.decode(expected, len(samples), width, channels, coder=coder, near=near)
    assert fast.decode(expected, len(samples), width, channels, coder=coder,
                       near=near) == restored
    assert all(abs(a - b) <= near for a, b in zip(samples, restored))
    return expected


NEAR_CASES = [(width, near) for width in (2, 3, 10, 16) for near in (1, 2, 3, 4, 8, 511)
              if near <= (1 << (width - 1)) - 1]


@pytest.mark.parametrize("channels", [1, 3, 1024])
@pytest.mark.parametrize(("width", "near"), NEAR_CASES)
def test_near_edge_cases(width, near, channels):
    for name, samples in edge_cases(width, length=2100).items():
        assert_same_near(samples, width, channels, near), name


@pytest.mark.parametrize(("width", "near"), NEAR_CASES)
@quick
@given(data=st.data())
def test_near_random_samples(width, near, data):
    samples = data.draw(st.lists(st.integers(0, (1 << width) - 1), max_size=300))
    assert_same_near(samples, width, 2, near)


@pytest.mark.parametrize("near", [1, 2, 4, 8])
def test_near_long_walk(near):
    # long enough for Rice halvings and saturated weights on reconstructed samples
    samples = walk(random.Random(near), 10, 30000)
    assert_same_near(samples, 10, 1, near)


@pytest.mark.parametrize("near", [1, 2, 8, 511])
def test_near_arith(near):
    # near-lossless through the arithmetic back end, as ./encode --near codes
    for name, samples in edge_cases(10, length=2100).items():
        assert_same_near(samples, 10, 3, near, "arith"), name
    assert_same_near(walk(random.Random(near), 10, 20000), 10, 1, near, "arith")


@pytest.mark.parametrize("near", [1, 511])
def test_near_adc(near):
    # the same through the adc back end, on shorter streams (its golden decoder is slow)
    for name, samples in edge_cases(10, length=700).items():
        assert_same_near(samples, 10, 3, near, "adc"), name
    assert_same_near(walk(random.Random(near), 10, 3000), 10, 1, near, "adc")


@pytest.mark.parametrize("near", [-1, 512, 1.5, "1", True])
def test_near_bad_bound(near):
    expected = outcome(partial(core.encode, near=near), [1, 2], 10, 1)
    assert expected[0] == "error"
    assert outcome(partial(fast.encode, near=near), [1, 2], 10, 1) == expected
    assert outcome(partial(fast.decode, near=near), b"\x80", 1, 10, 1) == outcome(
        partial(core.decode, near=near), b"\x80", 1, 10, 1)


@pytest.mark.parametrize("near", [1, 4, 200])
@quick
@given(data=st.binary(max_size=64), count=st.integers(0, 600))
def test_near_arbitrary_streams(near, data, count):
    expected = outcome(partial(core.decode, near=near), data, count, 10, 2)
    assert outcome(partial(fast.decode, near=near), data, count, 10, 2) == expected


@pytest.mark.parametrize("near", [1, 3])
@settings(database=None, deadline=None, max_examples=15)
@given(data=st.binary(max_size=48), count=st.integers(0, 300))
def test_adc_near_arbitrary_streams(near, data, count):
    options = {"coder": "adc", "near": near}
    expected = outcome(partial(core.decode, **options), data, count, 10, 2)
    assert outcome(partial(fast.decode, **options), data, count, 10, 2) == expected
