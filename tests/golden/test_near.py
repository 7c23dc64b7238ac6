"""Tests of golden.near and of near-lossless coding through golden.core: the bound ±δ holds."""

import random

import pytest

from golden import core, near, rice

from .test_core import CHANNELS, edge_cases

NEARS = [1, 2, 3, 4, 8]


def test_near_zero_is_lossless_arithmetic():
    for width in (1, 2, 5, 10, 16):
        assert near.reduced_range(0, width) == 1 << width
        for error in range(-(1 << width) + 1, 1 << width, max(1, (1 << width) // 97)):
            assert near.quantise(error, 0) == error
            assert near.reduce(error, 0, width) == rice.reduce(error, width)


@pytest.mark.parametrize(("width", "deltas"), [
    (2, range(2)), (3, range(4)), (4, range(8)), (10, [1, 2, 3, 4, 5, 8, 100, 340, 511])])
def test_every_sample_and_prediction(width, deltas):
    """The reconstruction is within ±δ and the decoder restores it exactly."""
    top = (1 << width) - 1
    for delta in deltas:
        span = near.reduced_range(delta, width)
        predictions = range(top + 1) if width < 10 else [0, 1, 2, 100, 511, 512, 1000, 1022, top]
        for prediction in predictions:
            for sample in range(top + 1):
                quantised = near.quantise(sample - prediction, delta)
                restored = near.reconstruct(prediction, quantised, delta, width)
                assert abs(restored - sample) <= delta
                reduced = near.reduce(quantised, delta, width)
                assert -(span // 2) <= reduced < span - span // 2
                assert near.restore(prediction, reduced, delta, width) == restored
                # a reduced residual's zigzag fits the coder's W-bit escape
                assert rice.zigzag(reduced) < 1 << width


@pytest.mark.parametrize("delta", range(0, 9))
def test_reciprocal_divides_exactly(delta):
    factor, shift = near.reciprocal(delta, 10)
    for n in range(1023 + delta + 1):
        assert n * factor >> shift == n // (2 * delta + 1)


@pytest.mark.parametrize("bad", [-1, 512, 1.0, "2", None, True])
def test_bad_near(bad):
    with pytest.raises(ValueError, match=r"near \(the error bound δ\) must be an integer 0..511"):
        core.encode([1, 2, 3], 10, near=bad)
    with pytest.raises(ValueError, match="must be an integer 0..511"):
        core.decode(b"\x80", 1, 10, near=bad)


def assert_bounded(samples, width, channels, delta):
    data = core.encode(samples, width, channels, near=delta)
    restored = core.decode(data, len(samples), width, channels, near=delta)
    assert len(restored) == len(samples)
    assert max((abs(a - b) for a, b in zip(samples, restored)), default=0) <= delta
    return data, restored


@pytest.mark.parametrize("channels", CHANNELS)
@pytest.mark.parametrize(("width", "delta"), [
    (width, delta) for width in (2, 5, 10, 16) for delta in NEARS if delta <= near.max_near(width)])
def test_edge_cases_within_bound(width, channels, delta):
    for name, samples in edge_cases(width).items():
        data, restored = assert_bounded(samples, width, channels, delta)
        # the decoder's output codes to itself: it is a fixed point of the quantiser
        assert core.encode(restored, width, channels, near=delta) == data, name


@pytest.mark.parametrize("width", [10, 16])
def test_near_zero_is_the_lossless_codec(width):
    for samples in edge_cases(width).values():
        assert core.encode(samples, width, 3, near=0) == core.encode(samples, width, 3)


def test_wider_bound_codes_smaller():
    rng = random.Random(5)
    value, samples = 512, []
    for _ in range(4000):
        value = min(1023, max(0, value + rng.randint(-12, 12)))
        samples.append(value)
    sizes = [len(core.encode(samples, 10, near=delta)) for delta in range(0, 9)]
    assert sizes == sorted(sizes, reverse=True) and sizes[4] < sizes[0] / 2


def test_out_of_range_residual_is_refused():
    # δ = 4 at 10 bits: RANGE = 115, residuals -57..57; at reset k = 4, and 7 zeros, a one
    # and 0011 are u = 115, a residual of -58
    assert near.reduced_range(4, 10) == 115
    data = bytes([0b00000001, 0b00110000])
    with pytest.raises(ValueError, match="residual of sample 0 is out of range"):
        core.decode(data, 1, 10, near=4)
