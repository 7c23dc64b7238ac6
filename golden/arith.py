"""The arithmetic-coded back end: the Rice codeword's symbol from an adaptive CDF a ``k``.

It replaces the Rice codeword (:func:`golden.rice.codeword`) of a zigzagged residual ``u``
with parameter ``k`` by one range-coded symbol and bypass bits (:mod:`golden.rangecoder`).
The symbol is the Rice quotient with the :data:`TOP_BITS` top bits of the remainder below
it (:func:`split`)::

    low_bits = max(k - TOP_BITS, 0)
    symbol   = u >> low_bits                 # if below ESCAPE: then low_bits bypass bits of u
                                             # else ESCAPE, then u in W bypass bits

so the symbol resolves ``u`` to a quarter of ``2**k`` up to ``31 * 2**(k - 2)``, about
eight times the mean residual, and the bits below that, nearly uniform, bypass.

The symbol is coded with the cumulative frequencies of context ``k``: one
:class:`AdaptiveCdf` a value of ``k``, shared by all channels of a stream. Given its
scale, the residual is nearly independent of everything else, so more contexts (the
previous residual, half-octaves of ``A/N``) measured nothing (``tools/study``), while a
slow, well-settled estimate pays: the CDF moves towards every coded symbol by
``1 / 2**shift`` of the distance, with ``shift`` growing as ``1, 2, 2, 3, ...`` with the
count of symbols coded in the context (a plain average while few) up to :data:`RATE`.
Every context starts from one fixed prior (:data:`PRIOR`, weighted as :data:`PRIOR_COUNT`
symbols), and every symbol keeps a frequency of at least :data:`MIN_FREQUENCY`.

One coded symbol and at most ``W`` bypass bits a sample: at most ``15 + W`` bits, 25 for
``W = 10`` and 31 for ``W = 16``, one less than a Rice escape; and 16 bits to end a stream.
"""

from .rangecoder import PROB_BITS, RangeDecoder, RangeEncoder

#: Symbols of the alphabet; the last is the escape.
SYMBOLS = 32
ESCAPE = SYMBOLS - 1
#: Remainder bits of the Rice codeword taken into the symbol.
TOP_BITS = 2
#: The slowest adaptation: the CDF moves by ``1 / 2**RATE`` of the distance a symbol.
RATE = 12
#: The least coding frequency of a symbol, out of ``2**PROB_BITS``.
MIN_FREQUENCY = 1
#: The adaptive part of the frequencies: ``2**PROB_BITS`` less the symbols' minimum.
ADAPTIVE_TOTAL = (1 << PROB_BITS) - SYMBOLS * MIN_FREQUENCY
#: The frequencies at reset, summing to ADAPTIVE_TOTAL: a constant of the format, the shape
#: of the symbols in context ``k = 3`` pooled over the training recordings (``tools/study``
#: derives it, and checks it on disjoint halves). It saves the first symbols' learning.
PRIOR = (4401, 4229, 3945, 3592, 3192, 2762, 2337, 1934, 1561, 1231, 953, 723, 536, 392,
         281, 200, 139, 96, 67, 46, 32, 23, 16, 11, 8, 6, 4, 3, 3, 2, 2, 9)
#: The weight of the prior, in symbols: the count at reset.
PRIOR_COUNT = 63


def split(value, k, width):
    """``(symbol, bypass value, bypass bits)`` of a zigzagged residual with Rice ``k``."""
    low_bits = max(k - TOP_BITS, 0)
    symbol = value >> low_bits
    if symbol < ESCAPE:
        return symbol, value & ((1 << low_bits) - 1), low_bits
    return ESCAPE, value, width


def adaptation_shift(count):
    """The adaptation shift after ``count`` symbols: ``min(RATE, bit_length(count + 1))``."""
    return min(RATE, (count + 1).bit_length())


class AdaptiveCdf:
    """The adaptive cumulative frequencies of one context.

    Members
    -------
    cdf : list of int
        ``SYMBOLS + 1`` cumulative frequencies of the adaptive part with :data:`RATE`
        fraction bits: ``cdf[0] = 0``, ``cdf[SYMBOLS] = ADAPTIVE_TOTAL << RATE``,
        non-decreasing. The cumulative :data:`PRIOR` at reset.
    count : int
        Symbols coded in the context, from :data:`PRIOR_COUNT`, saturating at ``2**RATE - 1``.
    """

    def __init__(self):
        self.cdf = [sum(PRIOR[:i]) << RATE for i in range(SYMBOLS + 1)]
        self.count = PRIOR_COUNT

    def bound(self, symbol):
        """The coding frequency below ``symbol``: symbol ``s`` is ``bound(s) .. bound(s + 1)``."""
        return (self.cdf[symbol] >> RATE) + MIN_FREQUENCY * symbol

    def cumulative(self):
        """Every bound, ``bound(0) = 0`` to ``bound(SYMBOLS) = 2**PROB_BITS``."""
        return [self.bound(s) for s in range(SYMBOLS + 1)]

    def update(self, symbol):
        """Move the frequencies towards ``symbol``: those above it up, the others down."""
        shift = adaptation_shift(self.count)
        top = ADAPTIVE_TOTAL << RATE
        self.cdf = [c + ((top - c) >> shift) if i > symbol else c - (c >> shift)
                    for i, c in enumerate(self.cdf)]
        self.count = min(self.count + 1, (1 << RATE) - 1)


class ArithEncoder:
    """The back end of one stream: codes ``(u, k)`` pairs into a bit writer."""

    def __init__(self, width, writer=None):
        self.width = width
        self.contexts = [AdaptiveCdf() for _ in range(width)]
        self.coder = RangeEncoder(writer)

    def write(self, value, k):
        """Code the zigzagged residual ``value`` of Rice parameter ``k``."""
        symbol, rest, bits = split(value, k, self.width)
        context = self.contexts[k]
        self.coder.encode(context.bound(symbol), context.bound(symbol + 1))
        self.coder.bypass(rest, bits)
        context.update(symbol)

    def finish(self):
        """End the stream; the writer."""
        return self.coder.finish()


class ArithDecoder:
    """Reads what :class:`ArithEncoder` wrote, from a :class:`golden.bits.BitReader`."""

    def __init__(self, width, reader):
        self.width = width
        self.contexts = [AdaptiveCdf() for _ in range(width)]
        self.coder = RangeDecoder(reader)

    def read(self, k):
        """The next zigzagged residual, coded with Rice parameter ``k``."""
        context = self.contexts[k]
        symbol = self.coder.decode(context.cumulative())
        context.update(symbol)
        if symbol == ESCAPE:
            return self.coder.bypass(self.width)
        low_bits = max(k - TOP_BITS, 0)
        return (symbol << low_bits) | self.coder.bypass(low_bits)

    def at_end(self):
        """True if the stream ended where the encoder ended it."""
        return self.coder.at_end()
