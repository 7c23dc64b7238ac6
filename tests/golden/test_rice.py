"""Tests of golden.rice: residual folding, Rice parameter adaptation, codewords."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden.bits import BitReader, BitWriter, TruncatedError
from golden.rice import (
    ESCAPE_ZEROS,
    RESET,
    RiceAdapter,
    codeword,
    initial_magnitude_sum,
    max_codeword_bits,
    read_codeword,
    reduce,
    rice_k,
    unzigzag,
    zigzag,
)

quick = settings(database=None, deadline=None, max_examples=100)
WIDTHS = range(1, 17)


@st.composite
def width_and_residuals(draw, max_size=60):
    """A width and a list of ``(u, k)``: zigzagged residuals and Rice parameters."""
    width = draw(st.integers(1, 16))
    items = draw(
        st.lists(
            st.tuples(st.integers(0, (1 << width) - 1), st.integers(0, width - 1)),
            max_size=max_size,
        )
    )
    return width, items


# zigzag


def test_zigzag_examples():
    assert [zigzag(e) for e in (0, -1, 1, -2, 2, -3)] == [0, 1, 2, 3, 4, 5]
    assert [unzigzag(u) for u in range(6)] == [0, -1, 1, -2, 2, -3]


@quick
@given(st.integers(-(1 << 40), 1 << 40))
def test_zigzag_inverse(error):
    assert zigzag(error) >= 0
    assert unzigzag(zigzag(error)) == error


@quick
@given(st.integers(0, 1 << 40))
def test_unzigzag_inverse(value):
    assert zigzag(unzigzag(value)) == value


@pytest.mark.parametrize("width", WIDTHS)
def test_zigzag_of_reduced_fits_width(width):
    half = 1 << (width - 1)
    folded = sorted(zigzag(e) for e in range(-half, half))
    assert folded == list(range(1 << width))


# reduce


@pytest.mark.parametrize("width", WIDTHS)
def test_reduce_range_and_inverse(width):
    size, half = 1 << width, 1 << (width - 1)
    for prediction in {0, 1, half, size - 1} & set(range(size)):
        for sample in range(0, size, max(1, size >> 8)):
            error = reduce(sample - prediction, width)
            assert -half <= error < half
            assert (prediction + error) % size == sample


@quick
@given(st.integers(1, 16), st.integers(-(1 << 20), 1 << 20))
def test_reduce_is_modulo(width, error):
    reduced = reduce(error, width)
    assert -(1 << (width - 1)) <= reduced < 1 << (width - 1)
    assert (reduced - error) % (1 << width) == 0


def test_reduce_examples():
    assert reduce(0, 10) == 0
    assert reduce(511, 10) == 511
    assert reduce(512, 10) == -512
    assert reduce(-512, 10) == -512
    assert reduce(-513, 10) == 511
    assert reduce(1023, 10) == -1
    assert reduce(-1023, 10) == 1
    assert [reduce(e, 1) for e in (-1, 0, 1, 2)] == [-1, 0, -1, 0]


# codewords


def test_codeword_examples():
    assert codeword(0, 0, 10) == (1, 1)  # "1"
    assert codeword(1, 0, 10) == (1, 2)  # "01"
    assert codeword(5, 2, 10) == (0b101, 4)  # "0" "1" "01"
    assert codeword(3, 2, 10) == (0b111, 3)  # "1" "11"
    assert codeword(15, 0, 10) == (1, 16)  # fifteen zeros, then the one
    assert codeword(16, 0, 10) == (16, ESCAPE_ZEROS + 10)  # the first escape
    assert codeword(1023, 0, 10) == (1023, 26)


def test_max_codeword_bits_documented():
    assert max_codeword_bits(10) == 26
    assert max_codeword_bits(16) == 32


@pytest.mark.parametrize("width", WIDTHS)
def test_codeword_lengths_exhaustive(width):
    bound = max_codeword_bits(width)
    assert bound == ESCAPE_ZEROS + width
    longest = 0
    for k in range(width):
        for u in range(1 << width):
            bits, length = codeword(u, k, width)
            quotient = u >> k
            expected = quotient + 1 + k if quotient < ESCAPE_ZEROS else ESCAPE_ZEROS + width
            assert length == expected, (u, k)
            assert length <= bound, (u, k)
            assert 0 <= bits < 1 << length, (u, k)
            longest = max(longest, length)
    # the bound is reached exactly when an escape is possible at all
    reachable = (1 << width) - 1 >= ESCAPE_ZEROS
    assert (longest == bound) == reachable


@pytest.mark.parametrize("width", range(1, 9))
def test_codeword_round_trip_exhaustive(width):
    for k in range(width):
        writer = BitWriter()
        for u in range(1 << width):
            writer.write(*codeword(u, k, width))
        reader = BitReader(writer.to_bytes())
        assert [read_codeword(reader, k, width) for _ in range(1 << width)] == list(
            range(1 << width)
        )
        assert reader.remaining_bits() < 8


@quick
@given(width_and_residuals())
def test_codeword_round_trip(case):
    width, items = case
    writer = BitWriter()
    for u, k in items:
        writer.write(*codeword(u, k, width))
    reader = BitReader(writer.to_bytes())
    assert [read_codeword(reader, k, width) for _, k in items] == [u for u, _ in items]
    assert reader.remaining_bits() < 8 and reader.rest_is_zero()


@quick
@given(width_and_residuals(max_size=20).filter(lambda c: c[1]))
def test_truncated_codewords_raise(case):
    width, items = case
    writer = BitWriter()
    for u, k in items:
        writer.write(*codeword(u, k, width))
    data = writer.to_bytes()[:-1]
    reader = BitReader(data)
    with pytest.raises(TruncatedError):
        for _, k in items:
            read_codeword(reader, k, width)


# the Rice parameter


@pytest.mark.parametrize(
    "total, count, width, k",
    [
        (0, 1, 10, 0),
        (1, 1, 10, 0),
        (2, 1, 10, 1),
        (3, 1, 10, 2),
        (4, 1, 10, 2),
        (5, 1, 10, 3),
        (16, 1, 10, 4),
        (17, 1, 10, 5),
        (100, 10, 10, 4),  # 10 << 4 = 160 >= 100 > 80
        (160, 10, 10, 4),
        (161, 10, 10, 5),
        (1 << 30, 1, 10, 9),  # capped at W - 1
        (1 << 30, 1, 16, 15),
        (1 << 30, 1, 1, 0),
        (255, 255, 16, 0),
        (256, 255, 16, 1),
    ],
)
def test_rice_k_examples(total, count, width, k):
    assert rice_k(total, count, width) == k


@quick
@given(st.integers(0, 1 << 24), st.integers(1, RESET), st.integers(1, 16))
def test_rice_k_is_least(total, count, width):
    k = rice_k(total, count, width)
    assert 0 <= k <= width - 1
    assert (count << k) >= total or k == width - 1
    assert k == 0 or (count << (k - 1)) < total


@pytest.mark.parametrize("width", WIDTHS)
def test_adapter_reset_state(width):
    adapter = RiceAdapter(width)
    assert adapter.count == 1
    assert adapter.total == initial_magnitude_sum(width) == max(2, ((1 << width) + 32) >> 6)
    assert adapter.k() == rice_k(adapter.total, 1, width)


def test_adapter_initial_k_for_10_bits():
    # A = (1024 + 32) >> 6 = 16, N = 1: k = 4
    assert RiceAdapter(10).k() == 4


@pytest.mark.parametrize("error", [0, 1, -1, 7, -512])
def test_adapter_halves_at_reset(error):
    adapter = RiceAdapter(10)
    total = adapter.total
    for _ in range(RESET - 2):
        adapter.update(error)
        total += abs(error)
    assert adapter.count == RESET - 1
    assert adapter.total == total
    adapter.update(error)
    assert adapter.count == RESET // 2
    assert adapter.total == (total + abs(error) + 1) >> 1


@pytest.mark.parametrize("width", WIDTHS)
def test_adapter_state_bounds(width):
    # the hardware keeps A in W + 8 bits and N in 9 bits: the worst case is every residual at
    # the largest magnitude, 2 ** (W - 1)
    adapter = RiceAdapter(width)
    worst = -(1 << (width - 1))
    for _ in range(4 * RESET):
        adapter.update(worst)
        assert 1 <= adapter.count < RESET
        assert 0 <= adapter.total < 1 << (width + 8)
    assert adapter.k() == width - 1


@quick
@given(
    st.integers(1, 16).flatmap(
        lambda w: st.tuples(
            st.just(w), st.lists(st.integers(-(1 << (w - 1)), (1 << (w - 1)) - 1), max_size=600)
        )
    )
)
def test_adapter_follows_magnitudes(case):
    width, errors = case
    adapter = RiceAdapter(width)
    for error in errors:
        adapter.update(error)
        assert 1 <= adapter.count < RESET
        assert 0 <= adapter.total < 1 << (width + 8)
        assert adapter.k() == rice_k(adapter.total, adapter.count, width)


def test_adapter_settles_on_small_residuals():
    adapter = RiceAdapter(16)
    for _ in range(3 * RESET):
        adapter.update(0)
    assert adapter.k() == 0
