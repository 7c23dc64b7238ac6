"""The ADC-aware arithmetic back end: each sample coded as its code's analog interval.

The predictor's estimate is kept on the analog axis of :mod:`golden.adc`, in fractions of
a code::

    P = centre(x[n-1]) + correction          # correction: the LMS sum, FRACTION_BITS fraction bits
    P = clamp(P, 0, edge(2**W))

and the residual ``t = input - P`` is modelled as continuous and symmetric about 0, its
magnitude's distribution a cumulative frequency ``G`` (:class:`MagnitudeCdf`) chosen by the
Rice parameter ``k`` of the channel (:mod:`golden.rice`, unchanged). Code ``x`` owns the
analog interval ``[edge(x), edge(x + 1))``, so its probability is what the model gives that
interval, read at its two edges::

    cum(t) = HALF + G(t)  if t >= 0   else   HALF - G(-t)
    low    = cum(edge(x) - P)          (0 for the lowest code)
    high   = cum(edge(x + 1) - P)      (2 HALF for the highest)

and ``[low, high)`` of ``2**PROB_BITS`` is range coded (:mod:`golden.rangecoder`). The
intervals of all codes tile ``[0, 2 HALF)``; a wide code gets more, a narrow one less, and
code 511, which the implant's ADC almost never produces, almost nothing. With near-lossless
coding (:mod:`golden.near`) the coded unit is the bin of codes that quantise to one ``q``,
``[p + q (2δ + 1) - δ, p + q (2δ + 1) + δ]``, and its interval runs from the lowest code's
lower edge to the highest code's upper edge: at δ = 0, one code.

``G`` is piecewise linear over :data:`BINS` bins of the magnitude: bins ``0 .. BINS - 2``
are ``2**(k + BIN_SHIFT)`` units wide (a quarter of ``2**k`` codes; near-lossless, as ``k``
then counts steps of ``2δ + 1`` codes, ``floor(log2(2δ + 1))`` times more), the last one
``2**(W + FRACTION_BITS)`` units, the whole range; inside a bin the cumulative frequency is
interpolated with the :data:`INTERPOLATION_BITS` top bits of the position in the bin (one
narrow multiply). A bin keeps at least one unit of frequency, so ``G`` only rises.

Where rounding leaves a bin's interval empty (a far tail, a code of zero width) the sample
is coded as the escape interval ``[2 HALF, 2**PROB_BITS)`` and its code in ``W`` bypass bits.

The frequencies adapt: contexts are ``min(k, CONTEXTS - 1)``, each an :class:`AdaptiveCdf`
of the magnitude's bin, updated with every :data:`UPDATE_EVERY`-th sample coded in it (the
bin of ``|centre(x) - P|``), from a fixed prior a context. The hardware's update runs on a
quarter of the samples; ``tools/study`` measures what each choice costs.
"""

from . import adc
from . import near as nl
from .rangecoder import PROB_BITS, RangeDecoder, RangeEncoder

#: Bins of the magnitude's distribution; the last spans the whole range.
BINS = 32
#: A bin is ``2**(k + BIN_SHIFT)`` analog units wide: ``2**(k - 2)`` codes.
BIN_SHIFT = adc.FRACTION_BITS - 2
#: Bits of the position inside a bin that the interpolation multiplies by.
INTERPOLATION_BITS = 6
#: Contexts of the frequencies: ``min(k, CONTEXTS - 1)``.
CONTEXTS = 4
#: A context's frequencies move with every this many-th sample coded in it.
UPDATE_EVERY = 4
#: The slowest adaptation: a step moves ``1 / 2**RATE`` of the distance.
RATE = 12
#: Half the coding total less one: the magnitude's frequencies sum to it.
HALF = (1 << (PROB_BITS - 1)) - 1
#: Start of the escape interval ``[ESCAPE, 2**PROB_BITS)``.
ESCAPE = 2 * HALF
#: The adaptive part of a context's frequencies: HALF less each bin's one unit.
ADAPTIVE_TOTAL = HALF - BINS
#: Bin frequencies at reset, a context each, each summing to ADAPTIVE_TOTAL: constants of
#: the format, the magnitude's bins pooled over the training recordings with
#: :data:`golden.adc.DEFAULT` (``tools/study/interval.py`` derives them).
PRIOR = (
    (12498, 3433, 41, 34, 27, 27, 25, 22, 19, 19, 17, 20, 16, 14, 13, 11,
     11, 10, 9, 10, 7, 5, 6, 5, 5, 4, 5, 3, 4, 4, 3, 24),
    (9832, 922, 716, 661, 649, 527, 482, 419, 346, 284, 237, 220, 169, 153, 115, 99,
     93, 57, 49, 49, 40, 29, 22, 22, 23, 18, 13, 14, 14, 8, 6, 63),
    (2851, 2787, 2511, 2150, 1754, 1355, 1002, 705, 476, 309, 191, 113, 65, 38, 20, 11,
     5, 3, 2, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0),
    (4266, 3847, 3046, 2153, 1375, 800, 430, 219, 107, 52, 25, 13, 7, 3, 3, 1,
     1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
)
#: The prior's weight: a context's adaptation count at reset.
PRIOR_COUNT = 63


def context_of(k):
    """The frequencies' context of Rice parameter ``k``."""
    return min(k, CONTEXTS - 1)


def near_shift(near):
    """The bins' extra scale near-lossless: ``floor(log2(2δ + 1))``, as ``k`` counts the
    residual in steps of ``2δ + 1`` codes while the bins are on the analog axis."""
    return nl.step(near).bit_length() - 1


def bin_shift(k, near=0):
    """log2 of the width of the first bins, in analog units, at Rice parameter ``k``:
    ``2**(k - 2)`` codes, times about the step near-lossless."""
    return k + BIN_SHIFT + near_shift(near)


def adaptation_shift(count):
    """The adaptation shift after ``count`` updates: ``min(RATE, bit_length(count + 1))``."""
    return min(RATE, (count + 1).bit_length())


def interpolate(low, high, position, bits):
    """``low`` plus the part of ``high - low`` at ``position`` of ``2**bits``, from the
    :data:`INTERPOLATION_BITS` top bits of ``position``."""
    drop = max(bits - INTERPOLATION_BITS, 0)
    return low + (((high - low) * (position >> drop)) >> (bits - drop))


class AdaptiveCdf:
    """The adaptive frequencies of one context's magnitude bins.

    Members
    -------
    cdf : list of int
        ``BINS + 1`` cumulative frequencies of the adaptive part with :data:`RATE` fraction
        bits, from 0 to ``ADAPTIVE_TOTAL << RATE``; the context's prior at reset.
    count : int
        Updates made, from :data:`PRIOR_COUNT`, saturating at ``2**RATE - 1``.
    seen : int
        Samples coded in the context since its last update, ``0 .. UPDATE_EVERY - 1``.
    """

    def __init__(self, context):
        prior = PRIOR[context]
        self.cdf = [sum(prior[:i]) << RATE for i in range(BINS + 1)]
        self.count = PRIOR_COUNT
        self.seen = 0

    def bound(self, index):
        """The cumulative frequency below bin ``index``, ``0 .. HALF``."""
        return (self.cdf[index] >> RATE) + index

    def magnitude(self, value, shift, width):
        """``G``: the cumulative frequency of magnitudes below ``value`` (analog units)."""
        tail = (BINS - 1) << shift
        if value < tail:
            index = value >> shift
            return interpolate(self.bound(index), self.bound(index + 1),
                               value & ((1 << shift) - 1), shift)
        span = width + adc.FRACTION_BITS
        if value - tail >= 1 << span:
            return HALF
        return interpolate(self.bound(BINS - 1), HALF, value - tail, span)

    def cumulative(self, offset, shift, width):
        """``cum``: the cumulative frequency of the residuals below ``offset``."""
        if offset >= 0:
            return HALF + self.magnitude(offset, shift, width)
        return HALF - self.magnitude(-offset, shift, width)

    def observe(self, index):
        """Count a sample of magnitude bin ``index``; every UPDATE_EVERY-th moves the
        frequencies towards it: the bounds above it up, the others down."""
        self.seen += 1
        if self.seen < UPDATE_EVERY:
            return
        self.seen = 0
        shift = adaptation_shift(self.count)
        top = ADAPTIVE_TOTAL << RATE
        self.cdf = [c + ((top - c) >> shift) if i > index else c - (c >> shift)
                    for i, c in enumerate(self.cdf)]
        self.count = min(self.count + 1, (1 << RATE) - 1)


class Model:
    """What encoder and decoder share: the table, the contexts, and the intervals."""

    def __init__(self, width, table=None):
        table = adc.default(width) if table is None else table
        table.check(width)
        self.width = width
        self.table = table
        self.top = table.edge(1 << width)
        self.contexts = [AdaptiveCdf(c) for c in range(CONTEXTS)]

    def analog_prediction(self, previous, correction):
        """``P``: the previous code's centre plus the LMS correction, within the axis."""
        return min(max(self.table.centre(previous) + correction, 0), self.top)

    def bins(self, prediction, near):
        """``(first, last)``: the quantised residuals ``q`` whose bins hold a code."""
        top = (1 << self.width) - 1
        return nl.quantise(-prediction, near), nl.quantise(top - prediction, near)

    def span(self, prediction, q, near):
        """The codes of bin ``q``: ``(lowest, highest)``."""
        centre = prediction + q * nl.step(near)
        return max(centre - near, 0), min(centre + near, (1 << self.width) - 1)

    def interval(self, cdf, shift, analog, prediction, q, near):
        """``[low, high)`` of bin ``q``, out of ``2**PROB_BITS``."""
        lowest, highest = self.span(prediction, q, near)
        low = 0 if lowest == 0 else cdf.cumulative(
            self.table.edge(lowest) - analog, shift, self.width)
        high = ESCAPE if highest == (1 << self.width) - 1 else cdf.cumulative(
            self.table.edge(highest + 1) - analog, shift, self.width)
        return low, high

    def observe(self, cdf, shift, analog, restored):
        """Adapt ``cdf`` to the restored code's magnitude bin."""
        distance = abs(self.table.centre(restored) - analog)
        cdf.observe(min(distance >> shift, BINS - 1))


class IntervalEncoder:
    """The back end of one stream: codes each sample's bin into a bit writer.

    ``write`` takes what the core knows of the sample: the zigzagged residual and ``k``
    (unused here but for the context), and the :class:`Sample` fields below.
    """

    def __init__(self, width, writer=None, *, table=None, near=0):
        self.model = Model(width, table)
        self.near = near
        self.coder = RangeEncoder(writer)

    def write(self, k, sample):
        """Code ``sample`` (a :class:`Sample`) with Rice parameter ``k``."""
        model, near = self.model, self.near
        cdf = model.contexts[context_of(k)]
        shift = bin_shift(k, near)
        analog = model.analog_prediction(sample.previous, sample.correction)
        low, high = model.interval(cdf, shift, analog, sample.prediction, sample.quantised, near)
        if high > low:
            self.coder.encode(low, high)
        else:
            self.coder.encode(ESCAPE, 1 << PROB_BITS)
            self.coder.bypass(sample.restored, model.width)
        model.observe(cdf, shift, analog, sample.restored)

    def finish(self):
        """End the stream; the writer."""
        return self.coder.finish()


class IntervalDecoder:
    """Reads what :class:`IntervalEncoder` wrote, from a :class:`golden.bits.BitReader`."""

    def __init__(self, width, reader, *, table=None, near=0):
        self.model = Model(width, table)
        self.near = near
        self.coder = RangeDecoder(reader)

    def read(self, k, prediction, previous, correction):
        """The quantised residual ``q`` of the next sample (the residual, losslessly)."""
        model, near = self.model, self.near
        cdf = model.contexts[context_of(k)]
        shift = bin_shift(k, near)
        analog = model.analog_prediction(previous, correction)
        target = self.coder.target()
        first, last = model.bins(prediction, near)
        if target >= ESCAPE:
            self.coder.consume(ESCAPE, 1 << PROB_BITS)
            restored = self.coder.bypass(model.width)
            q = nl.quantise(restored - prediction, near)
            if (restored >= 1 << model.width or nl.reconstruct(prediction, q, near, model.width)
                    != restored or self._nonempty(cdf, shift, analog, prediction, q)):
                raise ValueError("escape of a sample the model can code")
        else:
            # the last bin whose interval starts at or below the target
            while first < last:
                middle = (first + last + 1) >> 1
                if model.interval(cdf, shift, analog, prediction, middle, near)[0] <= target:
                    first = middle
                else:
                    last = middle - 1
            q = first
            self.coder.consume(*model.interval(cdf, shift, analog, prediction, q, near))
            restored = nl.reconstruct(prediction, q, near, model.width)
        model.observe(cdf, shift, analog, restored)
        return q

    def _nonempty(self, cdf, shift, analog, prediction, q):
        low, high = self.model.interval(cdf, shift, analog, prediction, q, self.near)
        return high > low

    def at_end(self):
        """True if the stream ended where the encoder ended it."""
        return self.coder.at_end()


class Sample:
    """What the interval back end needs of one sample, from the core."""

    __slots__ = ("prediction", "previous", "correction", "quantised", "restored")

    def __init__(self, prediction, previous, correction, quantised, restored):
        self.prediction = prediction  # p, the integer prediction
        self.previous = previous  # x[n-1], the channel's last (restored) code
        self.correction = correction  # the LMS correction, FRACTION_BITS fraction bits
        self.quantised = quantised  # q, the quantised residual (the residual at δ = 0)
        self.restored = restored  # the code the decoder restores
