"""Tests of golden.arith: the symbol split, the adaptive CDF, the back end's bounds."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden.arith import (
    ADAPTIVE_TOTAL,
    ESCAPE,
    MIN_FREQUENCY,
    PRIOR,
    PRIOR_COUNT,
    RATE,
    SYMBOLS,
    TOP_BITS,
    AdaptiveCdf,
    ArithDecoder,
    ArithEncoder,
    adaptation_shift,
    split,
)
from golden.bits import BitReader
from golden.rangecoder import PROB_BITS, RANGE_BITS

quick = settings(database=None, deadline=None, max_examples=100)


@st.composite
def width_and_residuals(draw, max_size=80):
    """A width and a list of ``(u, k)``: zigzagged residuals and Rice parameters."""
    width = draw(st.integers(1, 16))
    items = draw(
        st.lists(
            st.tuples(st.integers(0, (1 << width) - 1), st.integers(0, width - 1)),
            max_size=max_size,
        )
    )
    return width, items


def encode(width, items):
    encoder = ArithEncoder(width)
    for value, k in items:
        encoder.write(value, k)
    writer = encoder.finish()
    return writer.to_bytes(), writer.bits


def decode(width, data, ks):
    decoder = ArithDecoder(width, BitReader(data))
    values = [decoder.read(k) for k in ks]
    assert decoder.at_end()
    return values


# split


@pytest.mark.parametrize(
    "value, k, width, expected",
    [
        (0, 0, 10, (0, 0, 0)),
        (30, 0, 10, (30, 0, 0)),
        (31, 0, 10, (ESCAPE, 31, 10)),
        (1023, 0, 10, (ESCAPE, 1023, 10)),
        (13, 2, 10, (13, 0, 0)),
        (13, 3, 10, (6, 1, 1)),
        (0b1011_0110, 5, 10, (0b10110, 0b110, 3)),
        (30 << 7 | 127, 9, 10, (30, 127, 7)),
        (31 << 7, 9, 10, (ESCAPE, 31 << 7, 10)),
        (65535, 15, 16, (7, 8191, 13)),
        (65535, 4, 16, (ESCAPE, 65535, 16)),
    ],
)
def test_split(value, k, width, expected):
    assert split(value, k, width) == expected


@quick
@given(width_and_residuals())
def test_split_is_invertible(case):
    width, items = case
    for value, k in items:
        symbol, rest, bits = split(value, k, width)
        assert 0 <= symbol < SYMBOLS and 0 <= rest < 1 << bits and bits <= width
        low_bits = max(k - TOP_BITS, 0)
        restored = rest if symbol == ESCAPE else (symbol << low_bits) | rest
        assert restored == value


# the adaptive CDF


def test_prior_is_a_distribution_of_the_adaptive_total():
    assert len(PRIOR) == SYMBOLS and sum(PRIOR) == ADAPTIVE_TOTAL
    assert ADAPTIVE_TOTAL + SYMBOLS * MIN_FREQUENCY == 1 << PROB_BITS
    assert min(PRIOR) >= 1


def test_adaptation_shift_grows_to_rate():
    assert [adaptation_shift(n) for n in range(8)] == [1, 2, 2, 3, 3, 3, 3, 4]
    assert adaptation_shift(PRIOR_COUNT) == 7
    assert adaptation_shift((1 << RATE) - 2) == RATE
    assert adaptation_shift((1 << RATE) - 1) == RATE


def check_cdf(cdf):
    cumulative = cdf.cumulative()
    assert cumulative[0] == 0 and cumulative[-1] == 1 << PROB_BITS
    assert all(b - a >= MIN_FREQUENCY for a, b in zip(cumulative, cumulative[1:]))
    assert all(a <= b for a, b in zip(cdf.cdf, cdf.cdf[1:]))
    assert cdf.cdf[-1] == ADAPTIVE_TOTAL << RATE


@pytest.mark.parametrize("seed", range(4))
def test_cdf_stays_a_distribution(seed):
    rng = random.Random(seed)
    cdf = AdaptiveCdf()
    check_cdf(cdf)
    for _ in range(4500):
        cdf.update(rng.choice([0, 0, 0, ESCAPE, rng.randrange(SYMBOLS)]))
        check_cdf(cdf)
    assert cdf.count == (1 << RATE) - 1


def test_cdf_learns_a_single_symbol():
    # after many 5s, symbol 5 takes nearly everything and every other symbol its minimum
    cdf = AdaptiveCdf()
    for _ in range(60000):
        cdf.update(5)
    frequencies = [b - a for a, b in zip(cdf.cumulative(), cdf.cumulative()[1:])]
    assert frequencies[5] > (1 << PROB_BITS) - 2 * SYMBOLS - 4096 // 64
    assert max(frequencies[:5] + frequencies[6:]) <= 2


def test_cdf_starts_from_the_prior():
    cumulative = AdaptiveCdf().cumulative()
    assert [b - a for a, b in zip(cumulative, cumulative[1:])] == [f + 1 for f in PRIOR]


# the back end


@quick
@given(width_and_residuals())
def test_round_trip(case):
    width, items = case
    data, _ = encode(width, items)
    assert decode(width, data, [k for _, k in items]) == [v for v, _ in items]


def shifted_bits(encoder):
    """Bits the range coder has shifted out of its window so far, written or waiting."""
    coder = encoder.coder
    waiting = (coder.cache is not None) + coder.pending
    return coder.writer.bits + 8 * waiting + coder.fill


@pytest.mark.parametrize("width", [1, 2, 10, 16])
def test_worst_case_bits_a_sample(width):
    # a symbol costs at most 15 bits and the bypass at most W: the rarest symbols, escapes
    # of the largest value, after the CDF has learned that everything is a 0
    items = [(0, 0)] * 3000 + [((1 << width) - 1, 0), (ESCAPE - 1, 0)] * 50
    encoder = ArithEncoder(width)
    costs = []
    for value, k in items:
        before = shifted_bits(encoder)
        encoder.write(value, k)
        costs.append(shifted_bits(encoder) - before)
    assert 15 + width - 2 <= max(costs) <= 15 + width
    data = encoder.finish().to_bytes()
    assert decode(width, data, [k for _, k in items]) == [v for v, _ in items]


def test_a_learned_symbol_costs_little():
    # Rice spends a bit on each exact prediction; the learned CDF a small fraction of one
    _, bits = encode(10, [(0, 0)] * 8000)
    assert bits < RANGE_BITS + 8000 * 0.15


def test_contexts_are_the_rice_parameter():
    encoder = ArithEncoder(10)
    encoder.write(3, 2)
    assert encoder.contexts[2].count == PRIOR_COUNT + 1
    assert all(c.count == PRIOR_COUNT for i, c in enumerate(encoder.contexts) if i != 2)
