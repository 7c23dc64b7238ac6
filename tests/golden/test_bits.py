"""Tests of golden.bits: the MSB-first bit packer and its reader."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden.bits import BitReader, BitWriter, TruncatedError

quick = settings(database=None, deadline=None, max_examples=100)
WORD_WIDTHS = [8, 16, 32, 64]


@st.composite
def fields(draw, max_length=64):
    """A list of ``(value, length)``, ``value`` fitting in ``length`` bits."""
    lengths = draw(st.lists(st.integers(0, max_length), max_size=60))
    return [(draw(st.integers(0, (1 << n) - 1)), n) for n in lengths]


def as_bit_string(items):
    return "".join(format(v, f"0{n}b") if n else "" for v, n in items)


def written(items, word_width=32):
    writer = BitWriter(word_width)
    for value, length in items:
        writer.write(value, length)
    return writer


@pytest.mark.parametrize("word_width", WORD_WIDTHS)
@quick
@given(items=fields())
def test_round_trip(word_width, items):
    writer = written(items, word_width)
    assert writer.bits == sum(n for _, n in items)
    reader = BitReader(writer.to_bytes())
    assert [(reader.read(n), n) for _, n in items] == items
    assert reader.remaining_bits() < 8
    assert reader.rest_is_zero()


@pytest.mark.parametrize("word_width", WORD_WIDTHS)
@quick
@given(items=fields())
def test_words_are_the_bit_stream(word_width, items):
    writer = written(items, word_width)
    words = writer.flush()
    bits = as_bit_string(items)
    padded = bits + "0" * (-len(bits) % word_width)
    assert len(words) == -(-len(bits) // word_width)
    assert all(0 <= w < 1 << word_width for w in words)
    assert "".join(format(w, f"0{word_width}b") for w in words) == padded


@pytest.mark.parametrize("word_width", WORD_WIDTHS)
@quick
@given(items=fields())
def test_to_bytes_length(word_width, items):
    writer = written(items, word_width)
    data = writer.to_bytes()
    assert len(data) == -(-writer.bits // 8)
    bits = as_bit_string(items)
    assert "".join(format(b, "08b") for b in data) == bits + "0" * (-len(bits) % 8)


def test_write_keeps_only_low_bits():
    writer = BitWriter(8)
    writer.write(0xFFF, 4)
    writer.write(-1, 4)
    writer.write(0x1234, 0)
    assert writer.to_bytes() == b"\xff"
    assert writer.bits == 8


def test_msb_first():
    writer = BitWriter(16)
    writer.write(1, 1)
    writer.write(0b01, 2)
    assert writer.flush() == [0b1010_0000_0000_0000]


@pytest.mark.parametrize("word_width", WORD_WIDTHS)
def test_flush_pads_with_zeros(word_width):
    writer = BitWriter(word_width)
    writer.write(0b101, 3)
    assert writer.words == []
    assert writer.flush() == [0b101 << (word_width - 3)]
    assert writer.flush() == [0b101 << (word_width - 3)], "a second flush adds nothing"
    assert writer.bits == 3


@pytest.mark.parametrize("word_width", WORD_WIDTHS)
def test_whole_words_need_no_padding(word_width):
    writer = BitWriter(word_width)
    writer.write((1 << word_width) - 1, word_width)
    assert writer.words == [(1 << word_width) - 1]
    assert writer.flush() == [(1 << word_width) - 1]


@pytest.mark.parametrize("word_width", WORD_WIDTHS)
def test_empty_stream(word_width):
    writer = BitWriter(word_width)
    assert writer.flush() == []
    assert writer.to_bytes() == b""


def test_to_bytes_drops_whole_padding_bytes():
    writer = BitWriter(64)
    writer.write(0b1, 1)
    assert writer.to_bytes() == b"\x80"
    writer = BitWriter(32)
    writer.write(0xABCD, 16)
    writer.write(0b11, 2)
    assert writer.to_bytes() == b"\xab\xcd\xc0"


@pytest.mark.parametrize("word_width", [0, 4, 7, 12, 72, 128, None])
def test_bad_word_width(word_width):
    with pytest.raises((ValueError, TypeError)):
        BitWriter(word_width)


@pytest.mark.parametrize("word_width", [0, 4, 12, 72])
def test_bad_word_width_message(word_width):
    message = rf"word width must be 8, 16, \.\.\. 64 bits, not {word_width}"
    with pytest.raises(ValueError, match=message):
        BitWriter(word_width)


def test_read_examples():
    reader = BitReader(b"\xa5\x0f")
    assert reader.read(0) == 0
    assert reader.read(1) == 1
    assert reader.read(3) == 0b010
    assert reader.remaining_bits() == 12
    assert reader.read(12) == 0b0101_0000_1111
    assert reader.remaining_bits() == 0
    assert reader.rest_is_zero()


def test_read_past_end():
    reader = BitReader(b"\xff")
    assert reader.read(5) == 0b11111
    with pytest.raises(TruncatedError):
        reader.read(4)


def test_read_from_empty():
    reader = BitReader(b"")
    assert reader.read(0) == 0
    assert reader.remaining_bits() == 0
    assert reader.rest_is_zero()
    with pytest.raises(TruncatedError, match="ends inside a codeword"):
        reader.read(1)


def test_truncated_is_a_value_error():
    assert issubclass(TruncatedError, ValueError)


@quick
@given(st.binary(max_size=16), st.integers(1, 64))
def test_read_past_end_raises(data, extra):
    reader = BitReader(data)
    with pytest.raises(TruncatedError):
        reader.read(8 * len(data) + extra)


@pytest.mark.parametrize(
    "data, limit, zeros, left",
    [
        (b"\x80", 16, 0, 7),  # a one at once
        (b"\x10", 16, 3, 4),  # three zeros, then the one
        (b"\x00\x01", 16, 15, 0),
        (b"\x00\x00\xff", 16, 16, 8),  # at the limit: the one is not consumed
        (b"\x00\x00", 16, 16, 0),
        (b"\x00", 3, 3, 5),
        (b"\x20", 2, 2, 6),
        (b"\xff", 0, 0, 8),
    ],
)
def test_read_zeros(data, limit, zeros, left):
    reader = BitReader(data)
    assert reader.read_zeros(limit) == zeros
    assert reader.remaining_bits() == left


def test_read_zeros_past_end():
    with pytest.raises(TruncatedError):
        BitReader(b"\x00").read_zeros(16)
    with pytest.raises(TruncatedError):
        BitReader(b"").read_zeros(1)


@quick
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 7))
def test_read_zeros_counts(zeros, limit, tail):
    writer = BitWriter(8)
    writer.write(0, zeros)
    writer.write(1, 1)
    writer.write(0, tail)
    reader = BitReader(writer.to_bytes())
    assert reader.read_zeros(limit) == min(zeros, limit)
    consumed = min(zeros, limit) + (zeros < limit)
    assert reader.remaining_bits() == len(writer.to_bytes()) * 8 - consumed


def test_rest_is_zero():
    reader = BitReader(b"\xf0\x00")
    reader.read(4)
    assert reader.rest_is_zero()
    reader = BitReader(b"\xf0\x01")
    reader.read(4)
    assert not reader.rest_is_zero()
    reader = BitReader(b"\xf8")
    reader.read(4)
    assert not reader.rest_is_zero()
