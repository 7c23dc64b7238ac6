"""Tests of golden.rangecoder: the range coder and its carry, against exact arithmetic."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden.bits import BitReader, BitWriter
from golden.rangecoder import (
    INITIAL_RANGE,
    PROB_BITS,
    RANGE_BITS,
    RangeDecoder,
    RangeEncoder,
    narrow,
    normalising_shift,
)

quick = settings(database=None, deadline=None, max_examples=200)
TOTAL = 1 << PROB_BITS


def exact_encode(steps):
    """The stream's definition: the final ``low`` with unbounded integers, in ``S + 16`` bits.

    ``steps`` are ``("symbol", start, end)`` and ``("bypass", value, bits)``.
    """
    low, range_, shifted = 0, INITIAL_RANGE, 0
    for kind, a, b in steps:
        if kind == "symbol":
            bottom, top = narrow(range_, a, b)
            low, range_ = low + bottom, top - bottom
            shift = normalising_shift(range_)
            low, range_, shifted = low << shift, range_ << shift, shifted + shift
        else:
            low, shifted = (low << b) + a * range_, shifted + b
    writer = BitWriter()
    writer.write(low, shifted + RANGE_BITS)
    return writer.to_bytes()


def encode(steps):
    encoder = RangeEncoder()
    for kind, a, b in steps:
        if kind == "symbol":
            encoder.encode(a, b)
        else:
            encoder.bypass(a, b)
    return encoder.finish().to_bytes(), encoder


def decode(data, steps):
    """Decode ``steps``' shape from ``data``; the decoded steps."""
    decoder = RangeDecoder(BitReader(data))
    out = []
    for kind, a, b in steps:
        if kind == "symbol":
            cumulative = sorted({0, a, b, TOTAL})  # a .. b is one of these symbols
            symbol = decoder.decode(cumulative)
            out.append(("symbol", cumulative[symbol], cumulative[symbol + 1]))
        else:
            out.append(("bypass", decoder.bypass(b), b))
    assert decoder.at_end()
    return out


def symbol_steps(rng, count, favourite=None):
    steps = []
    for _ in range(count):
        if rng.random() < 0.3:
            bits = rng.randrange(17)
            steps.append(("bypass", rng.randrange(1 << bits), bits))
            continue
        start = rng.randrange(TOTAL)
        end = rng.randrange(start + 1, TOTAL + 1)
        if favourite is not None:
            start, end = favourite
        steps.append(("symbol", start, end))
    return steps


@st.composite
def step_lists(draw):
    steps = []
    for _ in range(draw(st.integers(0, 60))):
        if draw(st.booleans()):
            bits = draw(st.integers(0, 16))
            steps.append(("bypass", draw(st.integers(0, (1 << bits) - 1)), bits))
        else:
            start = draw(st.integers(0, TOTAL - 1))
            steps.append(("symbol", start, draw(st.integers(start + 1, TOTAL))))
    return steps


@quick
@given(step_lists())
def test_encoder_writes_the_exact_value(steps):
    data, _ = encode(steps)
    assert data == exact_encode(steps)
    assert decode(data, steps) == steps


@pytest.mark.parametrize("seed", range(6))
def test_long_random_streams(seed):
    rng = random.Random(seed)
    steps = symbol_steps(rng, 3000)
    data, _ = encode(steps)
    assert data == exact_encode(steps)
    assert decode(data, steps) == steps


class CarryCounter(RangeEncoder):
    """Counts carries and the 0xFF bytes each turned into 0x00."""

    carries = carried_pending = 0

    def _put(self, byte):
        if byte >> 8:
            self.carries += 1
            self.carried_pending = max(self.carried_pending, self.pending)
        super()._put(byte)


def test_carries_through_long_runs_of_ff():
    # symbols in the middle keep the interval on the point 0.0111..1|1000.. (the middle of
    # the initial interval): low's bytes are 0xFF, pending, until the upper half is chosen
    # and a carry turns them all into 0x00 (or the lower half settles them)
    rng = random.Random(7)
    for middle_symbols in (40, 300, 1000):
        for last in [(TOTAL // 2, TOTAL), (0, TOTAL // 2)] * 3:
            steps = [("symbol", TOTAL // 2 - 1, TOTAL // 2 + 1)] * middle_symbols
            steps += [("symbol", *last)] * 3 + symbol_steps(rng, 30)
            encoder = CarryCounter()
            for kind, a, b in steps:
                (encoder.encode if kind == "symbol" else encoder.bypass)(a, b)
            data = encoder.finish().to_bytes()
            assert data == exact_encode(steps)
            assert decode(data, steps) == steps
            if last[0]:
                assert encoder.carried_pending >= middle_symbols // 8


def test_a_symbol_costs_at_most_15_bits():
    # the least likely symbol, 1 / 2**15, over and over: range >= 1 after narrowing
    steps = [("symbol", 0, 1)] * 200
    data, _ = encode(steps)
    assert 8 * len(data) <= 200 * 15 + RANGE_BITS + 7
    assert decode(data, steps) == steps


def test_empty_stream_is_the_initial_window():
    data, _ = encode([])
    assert data == bytes(RANGE_BITS // 8)
    assert decode(data, []) == []


def test_code_outside_the_interval_raises():
    with pytest.raises(ValueError, match="outside its interval"):
        RangeDecoder(BitReader(b"\xff\xff"))


def test_truncated_stream_raises():
    steps = symbol_steps(random.Random(3), 200)
    data, _ = encode(steps)
    with pytest.raises(ValueError):
        decode(data[:-1], steps)
