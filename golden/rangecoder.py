"""Range coder: multiplies an interval by symbol probabilities, emits it as bytes with a carry.

The coder keeps an interval ``[low, low + range)`` with ``range`` normalised to
:data:`RANGE_BITS` bits, ``2**15 <= range < 2**16``. Coding a symbol whose cumulative
frequencies are ``start < end`` (out of ``2**PROB_BITS``) narrows it to::

    bottom = (range * start) >> PROB_BITS         # one fixed-width multiply a bound,
    top    = (range * end) >> PROB_BITS           # no division
    low, range = low + bottom, top - bottom

then shifts ``low`` and ``range`` left until ``range`` has :data:`RANGE_BITS` bits again.
Coding ``n`` equiprobable bits ``v`` ("bypass") scales instead of narrowing:
``low = (low << n) + v * range``, ``range`` unchanged. Every bit shifted into ``low`` is
a bit of the output, so a symbol costs at most 15 bits (``range >= 1`` after narrowing)
and a bypass exactly ``n``.

The output is the binary expansion of the final ``low``: ``S + RANGE_BITS`` bits, ``S``
the total shift, MSB first. The encoder cannot write a bit as soon as it is shifted out,
since a later addition may carry into it; it keeps the last byte that a carry can still
change (``cache``) and a count of ``0xFF`` bytes after it (``pending``), which a carry
turns into ``0x00`` (the scheme of LZMA's range coder). A carry never reaches past the
cached byte: ``low + range`` never exceeds the window by more than one carry, and the
carry's own byte leaves a window that cannot carry again (:meth:`RangeEncoder._put`).

The decoder mirrors the encoder on ``code``, the offset of the stream's value from
``low``: it reads the bits the encoder shifted, so at the end ``code`` is 0. A bypass is
decoded by a division by ``range`` (the encoder, the hardware, needs none).
"""

from .bits import BitWriter

#: Width of ``range``: ``2**(RANGE_BITS - 1) <= range < 2**RANGE_BITS`` between steps.
RANGE_BITS = 16
#: Cumulative frequencies are out of ``2**PROB_BITS``.
PROB_BITS = 15
#: ``range`` at the start of a stream.
INITIAL_RANGE = (1 << RANGE_BITS) - 1


def narrow(range_, start, end):
    """``(bottom, top)``: the part of ``range_`` of the frequencies ``start .. end``."""
    return (range_ * start) >> PROB_BITS, (range_ * end) >> PROB_BITS


def normalising_shift(range_):
    """How far ``range_`` (``>= 1``) must move left to have :data:`RANGE_BITS` bits."""
    return RANGE_BITS - range_.bit_length()


class RangeEncoder:
    """Codes symbols and bypass bits into a :class:`golden.bits.BitWriter`, byte by byte.

    Members
    -------
    low : int
        The interval's base: its ``RANGE_BITS + fill`` low bits, and a carry above them.
    range : int
        The interval's width.
    fill : int
        Bits of ``low`` beyond the ``RANGE_BITS`` window, ``0 .. 7`` between steps.
    cache : int or None
        The last byte settled but for a carry; None before the first.
    pending : int
        ``0xFF`` bytes after ``cache``.
    """

    def __init__(self, writer=None):
        self.writer = BitWriter() if writer is None else writer
        self.low = 0
        self.range = INITIAL_RANGE
        self.fill = 0
        self.cache = None
        self.pending = 0

    def encode(self, start, end):
        """Code the symbol of cumulative frequencies ``start .. end`` (``start < end``)."""
        bottom, top = narrow(self.range, start, end)
        self.low += bottom
        self.range = top - bottom
        shift = normalising_shift(self.range)
        self.range <<= shift
        self._shift_in(shift, 0)

    def bypass(self, value, bits):
        """Code the ``bits``-bit ``value``, every value equally likely."""
        self._shift_in(bits, value * self.range)

    def _shift_in(self, bits, addend):
        self.low = (self.low << bits) + addend
        self.fill += bits
        while self.fill >= 8:
            self.fill -= 8
            window = RANGE_BITS + self.fill
            self._put(self.low >> window)  # the top byte, and the carry above it
            self.low &= (1 << window) - 1

    def _put(self, byte):
        """Settle the cached byte unless ``byte`` (a byte and a carry bit) is ``0xFF``."""
        if byte == 0xFF:
            self.pending += 1
            return
        carry = byte >> 8
        # cache + carry <= 0xFF: a cache of 0xFF comes from a byte 0x1FF, which leaves
        # low + range within the window, so no carry follows it
        if self.cache is not None:
            self.writer.write(self.cache + carry, 8)
        for _ in range(self.pending):
            self.writer.write((0xFF + carry) & 0xFF, 8)
        self.cache, self.pending = byte & 0xFF, 0

    def finish(self):
        """Write the rest of ``low``; the writer (its bits end the stream)."""
        window = RANGE_BITS + self.fill
        carry = self.low >> window
        if self.cache is not None:
            self.writer.write(self.cache + carry, 8)
        for _ in range(self.pending):
            self.writer.write((0xFF + carry) & 0xFF, 8)
        self.writer.write(self.low, window)
        self.cache, self.pending = None, 0
        return self.writer


class RangeDecoder:
    """Reads what :class:`RangeEncoder` wrote, from a :class:`golden.bits.BitReader`.

    Raises ``ValueError`` where no encoder could have written the stream.
    """

    def __init__(self, reader):
        self.reader = reader
        self.range = INITIAL_RANGE
        self.code = reader.read(RANGE_BITS)
        if self.code >= self.range:
            raise ValueError("arithmetic-coded stream starts outside its interval")

    def decode(self, cumulative):
        """The symbol ``s`` whose ``cumulative[s] .. cumulative[s + 1]`` holds the code."""
        symbol = 0
        while (self.range * cumulative[symbol + 1]) >> PROB_BITS <= self.code:
            symbol += 1
        self.consume(cumulative[symbol], cumulative[symbol + 1])
        return symbol

    def target(self):
        """The largest cumulative frequency ``c`` whose bound lies at or below the code:
        the symbol holding the code is the one with ``start <= c < end``."""
        return (((self.code + 1) << PROB_BITS) - 1) // self.range

    def consume(self, start, end):
        """Narrow to the symbol of cumulative frequencies ``start .. end``, as the encoder did."""
        bottom, top = narrow(self.range, start, end)
        self.code -= bottom
        self.range = top - bottom
        shift = normalising_shift(self.range)
        self.range <<= shift
        self.code = (self.code << shift) | self.reader.read(shift)

    def bypass(self, bits):
        """The next ``bits``-bit bypass value."""
        self.code = (self.code << bits) | self.reader.read(bits)
        value, self.code = divmod(self.code, self.range)
        return value

    def at_end(self):
        """True if the code is back at the interval's base, as after the encoder's last bit."""
        return self.code == 0
