# amaranth: UnusedElaboratable=no
"""The carry-save weighted sum against :meth:`golden.predictor.Predictor.predict`'s sum."""

import random

import pytest
from amaranth.sim import Simulator

from gateware.weighted_sum import WeightedSum
from golden import predictor as gp


def golden_sum(weights, features, width):
    """The sum with the prediction's rounding, as ``width`` bits of two's complement."""
    total = sum(w * f for w, f in zip(weights, features)) + (1 << (gp.WEIGHT_FRAC - 1))
    total %= 1 << width
    return total - (1 << width) if total >> (width - 1) else total


def rtl_sums(cases, sample_width, width):
    dut = WeightedSum(sample_width, width)
    sums = []

    async def testbench(ctx):
        for weights, features in cases:
            ctx.set(dut.weights, weights)
            ctx.set(dut.features, [{"negative": int(f < 0), "magnitude": abs(f)}
                                   for f in features])
            sums.append(ctx.get(dut.sum))

    sim = Simulator(dut)
    sim.add_testbench(testbench)
    sim.run()
    return sums


def extremes(sample_width):
    """Every weight and every feature at its ends, with zero and one between."""
    top = (1 << sample_width) - 1
    weight_values = [gp.WEIGHT_MIN, gp.WEIGHT_MIN + 1, -1, 0, 1, gp.WEIGHT_MAX]
    feature_values = [-top, -1, 0, 1, top]
    return [([w] * gp.FEATURES, [f] * gp.FEATURES) for w in weight_values
            for f in feature_values] + \
        [([gp.WEIGHT_MIN, gp.WEIGHT_MAX, gp.WEIGHT_MIN, gp.WEIGHT_MAX], [top, -top, -top, top])]


def randoms(sample_width, count, seed):
    rng = random.Random(seed)
    top = (1 << sample_width) - 1
    return [([rng.randint(gp.WEIGHT_MIN, gp.WEIGHT_MAX) for _ in range(gp.FEATURES)],
             [rng.randint(-top, top) for _ in range(gp.FEATURES)]) for _ in range(count)]


@pytest.mark.parametrize("sample_width", [1, 4, 10, 16])
def test_sums(sample_width):
    # the compact encoder's width: every sum fits, so nothing wraps
    width = gp.WEIGHT_BITS + sample_width + 4
    cases = extremes(sample_width) + randoms(sample_width, 300, sample_width)
    assert rtl_sums(cases, sample_width, width) == \
        [golden_sum(w, f, width) for w, f in cases]


@pytest.mark.parametrize("width", [6, 13, 15])
def test_narrow_sums_wrap(width):
    # narrower than the sum: the low bits, modulo 2**width (the rows cut at the top)
    cases = extremes(10) + randoms(10, 200, width)
    assert rtl_sums(cases, 10, width) == [golden_sum(w, f, width) for w, f in cases]
