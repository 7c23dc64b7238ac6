"""Tests of golden.samples: the 10-bit ADC lattice of the 16-bit WAV values."""

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden.samples import (
    CODE_BITS,
    CODE_COUNT,
    CODE_TO_VALUE,
    VALUE_TO_CODE,
    code_to_value,
    codes_to_values,
    values_to_codes,
)

quick = settings(database=None, deadline=None, max_examples=100)
codes = st.integers(0, CODE_COUNT - 1)
off_lattice = st.integers(-32768, 32767).filter(lambda v: v not in VALUE_TO_CODE)


def test_lattice_shape():
    assert CODE_COUNT == 1 << CODE_BITS == 1024
    assert len(CODE_TO_VALUE) == CODE_COUNT
    assert len(set(CODE_TO_VALUE)) == CODE_COUNT
    assert all(a < b for a, b in pairwise(CODE_TO_VALUE))
    assert CODE_TO_VALUE[0] == -32768
    assert CODE_TO_VALUE[-1] == 32767


def test_lattice_middle():
    # the two codes around zero, 65535 / 2046 = 32.03 away from it
    assert CODE_TO_VALUE[511] == -32
    assert CODE_TO_VALUE[512] == 31
    assert 0 not in VALUE_TO_CODE


def test_ones_complement_symmetry():
    for code in range(CODE_COUNT):
        assert code_to_value(CODE_COUNT - 1 - code) == ~code_to_value(code), code


def test_steps_are_even():
    # 1023 steps over 65535: 64 or 65 each, but for the 63 across zero that symmetry leaves
    steps = [b - a for a, b in pairwise(CODE_TO_VALUE)]
    assert set(steps) == {63, 64, 65}
    assert steps.index(63) == 511 and steps.count(63) == 1
    assert sum(steps) == 65535


def test_table_matches_function():
    assert CODE_TO_VALUE == tuple(code_to_value(c) for c in range(CODE_COUNT))
    assert VALUE_TO_CODE == {code_to_value(c): c for c in range(CODE_COUNT)}


@pytest.mark.parametrize("code", [-1, CODE_COUNT, 1 << 16])
def test_code_out_of_range(code):
    with pytest.raises(ValueError, match=r"ADC code must be 0\.\.1023"):
        code_to_value(code)


def test_round_trip_every_code():
    everything = list(range(CODE_COUNT))
    assert values_to_codes(codes_to_values(everything)) == everything


def test_round_trip_every_value():
    values = list(CODE_TO_VALUE)
    assert codes_to_values(values_to_codes(values)) == values


def test_empty():
    assert values_to_codes([]) == []
    assert codes_to_values([]) == []


@quick
@given(st.lists(codes, max_size=200))
def test_round_trip(c):
    assert values_to_codes(codes_to_values(c)) == c


@quick
@given(st.lists(codes, max_size=50), off_lattice, st.integers(0, 50))
def test_off_lattice_is_none(c, value, where):
    values = codes_to_values(c)
    values.insert(min(where, len(values)), value)
    assert values_to_codes(values) is None


@pytest.mark.parametrize("value", [0, 1, -1, -32767, 32766, CODE_TO_VALUE[100] + 1])
def test_off_lattice_examples(value):
    assert values_to_codes([CODE_TO_VALUE[3], value]) is None
