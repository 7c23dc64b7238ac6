"""Bit packer: codewords MSB first into fixed-width words, and the reader that undoes it.

The writer keeps, as the hardware packer does, a partial word and its fill. A codeword's
bits enter below the bits already written; each time ``word_width`` bits are collected the
word is emitted. :meth:`BitWriter.flush` pads a partial last word with zero bits and
emits it, so a stream of ``B`` bits becomes ``ceil(B / word_width)`` words. Serialising
the words big-endian gives the bit stream as bytes, first bit in the MSB of the first byte.
"""


class BitWriter:
    """MSB-first bit packer into ``word_width``-bit words.

    Members
    -------
    words : list of int
        The words emitted so far.
    bits : int
        The number of bits written so far, padding excluded.
    """

    def __init__(self, word_width=32):
        if not 8 <= word_width <= 64 or word_width % 8:
            raise ValueError(f"word width must be 8, 16, ... 64 bits, not {word_width!r}")
        self.word_width = word_width
        self.words = []
        self.bits = 0
        self._partial = 0
        self._fill = 0

    def write(self, value, length):
        """Append the ``length`` low bits of ``value``, most significant first."""
        self.bits += length
        self._partial = (self._partial << length) | (value & ((1 << length) - 1))
        self._fill += length
        while self._fill >= self.word_width:
            self._fill -= self.word_width
            self.words.append(self._partial >> self._fill)
            self._partial &= (1 << self._fill) - 1

    def flush(self):
        """Emit a partial last word, padded with zeros; the words of the whole stream."""
        if self._fill:
            self.words.append(self._partial << (self.word_width - self._fill))
            self._partial = self._fill = 0
        return self.words

    def to_bytes(self):
        """Flush, then the stream as ``ceil(bits / 8)`` bytes (no whole padding bytes)."""
        self.flush()
        data = b"".join(w.to_bytes(self.word_width // 8, "big") for w in self.words)
        return data[: (self.bits + 7) // 8]


class LengthRecorder(BitWriter):
    """A :class:`BitWriter` that also keeps each codeword's length, to measure latency."""

    def __init__(self, word_width=32):
        super().__init__(word_width)
        self.lengths = []

    def write(self, value, length):
        self.lengths.append(length)
        super().write(value, length)


class TruncatedError(ValueError):
    """The bit stream ended inside a codeword."""


class BitReader:
    """Reads a big-endian bit stream, MSB first."""

    def __init__(self, data):
        self._data = data
        self._next = 0  # the next byte to load into the window
        self._window = 0
        self._fill = 0

    def _refill(self, need):
        while self._fill < need:
            if self._next == len(self._data):
                raise TruncatedError("compressed stream ends inside a codeword")
            self._window = (self._window << 8) | self._data[self._next]
            self._next += 1
            self._fill += 8

    def read(self, length):
        """The next ``length`` bits as an unsigned integer."""
        if length == 0:
            return 0
        self._refill(length)
        self._fill -= length
        value = self._window >> self._fill
        self._window &= (1 << self._fill) - 1
        return value

    def read_zeros(self, limit):
        """Count zero bits up to ``limit``; consume them and the 1 that ends them, if any."""
        zeros = 0
        while zeros < limit:
            if self.read(1):
                return zeros
            zeros += 1
        return zeros

    def remaining_bits(self):
        """Bits not yet read."""
        return self._fill + 8 * (len(self._data) - self._next)

    def rest_is_zero(self):
        """True if every bit not yet read is zero (the padding of the last byte)."""
        return self._window == 0 and not any(self._data[self._next :])
