"""Adaptive Golomb-Rice coder with an escape, after JPEG-LS (ITU-T T.87, A.5 and A.6).

A residual ``e = x - prediction`` of a ``W``-bit sample is first reduced modulo ``2**W``
into ``-2**(W-1) .. 2**(W-1) - 1`` (:func:`reduce`, T.87 A.4.5), which the decoder undoes
by adding the prediction modulo ``2**W``. Its sign is folded into the low bit
(:func:`zigzag`): ``0, -1, 1, -2, ...`` become ``0, 1, 2, 3, ...``, a ``W``-bit number ``u``.

``u`` is written with Rice parameter ``k`` as the quotient ``u >> k`` in unary (that many
0 bits, then a 1) followed by the ``k`` low bits of ``u``. A quotient of
:data:`ESCAPE_ZEROS` or more is written instead as :data:`ESCAPE_ZEROS` zeros and ``u`` in
``W`` plain bits, so no codeword is longer than ``ESCAPE_ZEROS + W`` bits
(:func:`max_codeword_bits`): 26 bits for 10-bit samples, 32 for 16-bit ones.

``k`` follows the channel's recent residual magnitudes with no side information: the state
keeps ``A``, a sum of magnitudes, and ``N``, their count, both halved when ``N`` reaches
:data:`RESET`, and ``k`` is the least value with ``N << k >= A`` (T.87 A.5.1), capped at
``W - 1``. State per channel: ``A`` (``W + 7`` bits from ``W = 2``) and ``N`` (8 bits).
With channels
interleaved round-robin and restarted together at a stream's end, every channel's ``N`` is
the same at any round, so hardware keeps one ``N`` for all (:mod:`gateware.rice`).
"""

#: Zeros that announce an escape: the residual follows in plain binary.
ESCAPE_ZEROS = 16
#: ``N`` at which ``A`` and ``N`` are halved, so that ``k`` follows a moving window.
RESET = 256


def reduce(error, width):
    """``error`` modulo ``2**width``, in ``-2**(width-1) .. 2**(width-1) - 1``."""
    half = 1 << (width - 1)
    return ((error + half) & ((1 << width) - 1)) - half


def zigzag(error):
    """Fold the sign into the low bit: 0, -1, 1, -2, ... become 0, 1, 2, 3, ..."""
    return 2 * error if error >= 0 else -2 * error - 1


def unzigzag(value):
    """The inverse of :func:`zigzag`."""
    return value >> 1 if value & 1 == 0 else -((value + 1) >> 1)


def max_codeword_bits(width):
    """The longest codeword for ``width``-bit samples: an escape."""
    return ESCAPE_ZEROS + width


def initial_magnitude_sum(width):
    """``A`` at reset: a quarter of the expected magnitude of a random residual (T.87 A.2.1)."""
    return max(2, ((1 << width) + 32) >> 6)


def rice_k(total, count, width):
    """The least ``k`` with ``count << k >= total``, at most ``width - 1``."""
    k = 0
    while (count << k) < total and k < width - 1:
        k += 1
    return k


class RiceAdapter:
    """The Rice parameter state of one channel.

    Members
    -------
    total : int
        ``A``: the sum of recent residual magnitudes.
    count : int
        ``N``: how many residuals ``total`` sums, ``1 .. RESET - 1``.
    """

    def __init__(self, width):
        self.width = width
        self.total = initial_magnitude_sum(width)
        self.count = 1

    def k(self):
        """The Rice parameter for the next residual."""
        return rice_k(self.total, self.count, self.width)

    def update(self, error):
        """Account for a (reduced) residual."""
        self.total += abs(error)
        self.count += 1
        if self.count == RESET:
            self.total = (self.total + 1) >> 1
            self.count >>= 1


def codeword(value, k, width):
    """The codeword of ``value`` (a zigzagged residual) as ``(bits, length)``."""
    quotient = value >> k
    if quotient < ESCAPE_ZEROS:
        # quotient zeros, a one, then the k low bits
        length = quotient + 1 + k
        return (1 << k) | (value & ((1 << k) - 1)), length
    return value, ESCAPE_ZEROS + width


def read_codeword(reader, k, width):
    """Read one codeword from a :class:`golden.bits.BitReader`; the zigzagged residual."""
    zeros = reader.read_zeros(ESCAPE_ZEROS)
    if zeros == ESCAPE_ZEROS:
        return reader.read(width)
    return (zeros << k) | reader.read(k)
