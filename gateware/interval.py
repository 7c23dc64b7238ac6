"""The ADC-aware back end's model: :mod:`golden.interval`'s coding interval of each sample.

A sample's Rice parameter ``k`` and what :class:`golden.interval.Sample` holds besides ``q``
(:func:`gateware.predictor.side_layout`) in; its interval ``start .. end`` and bypass bits
(the escape's code in ``W`` bits) out, for :class:`~gateware.rangecoder.RangeCoder`::

    stage 0   the edges and centres of the codes on the analog axis (from the table)
    stage 1   the analog prediction P = clamp(centre(x[n-1]) + correction, 0, top)
    stage 2   the bin's edges less P, as magnitudes and signs; |centre(x') - P|
    stage 3   each magnitude's bin and its position in the bin, from one shift by k + 2;
              the context's row, and its update, written as the sample leaves (every
              UPDATE_EVERY-th sample of the context)
    stage 4   from the row, the frequencies below each edge's bin and above it
    stage 5   each edge's bin bound and the bin's frequency
    stage 6   their products with the positions (two 14 x 6-bit multiplies)
    stage 7   cum() at each edge: the interval's ends
    stage 8   the interval, or the escape (the output register)

The table of code widths is fixed at elaboration, so an edge is a ``period``-entry table of
running sums, the block index times the period's sum (a shift when that sum is ``period <<
FRACTION_BITS``, as a calibration makes it), and one comparator an exception choosing a
constant (:class:`Axis`): a centre the same with a table of running sums to the middles.
Losslessly the three codes are the sample's, and its next edge and centre share its
comparators.

The contexts (``min(k, CONTEXTS - 1)``, shared by every channel) live in a memory of one row
a context: the ``BINS - 1`` inner cumulative frequencies with ``RATE`` fraction bits and the
count. Only every ``UPDATE_EVERY``-th sample of a context writes it; the count of samples
since, a context's two bits, is in registers. The memory's read is asynchronous, addressed
while the sample is in stage 3, and the row is written as the sample leaves, so the next
sample, a clock later, sees the update (four rows are registers in any technology, and a
registered read port would only copy the row: 1,637 more flip-flops and 1,034 LUTs on an
iCE40). A stream starts every context from its prior: a flag a context, set by a stream's
last sample, says the row in memory is stale and the prior is the context's row (as
:class:`~gateware.arith.ArithModel` does).

An entry ``c`` moves down by ``c >> s`` or up by ``(top - c) >> s``, with the shift ``s`` at
least :data:`FIRST_RATE` (the count starts at ``PRIOR_COUNT``); ``top``'s low ``RATE`` bits
are zero, so the step up is ``(top >> s) - ceil(c / 2**s)``, and both moves are
``c - (c >> s)``, plus ``(top >> s) - (c mod 2**s != 0)`` above the observed bin: a shifter of
``c``'s high bits and two adders an entry, ``top >> s`` chosen once for the row (1,163 LUTs
fewer on an iCE40 than shifting ``c`` or ``top - c``).
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal, signed
from amaranth.lib import data, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from golden import adc
from golden import interval as model
from golden.rangecoder import PROB_BITS

from .arith import interval_layout, pair_layout
from .parameters import check_near, check_width
from .pipeline import Lockstep
from .predictor import side_layout

__all__ = ["LATENCY", "IntervalModel", "prior_row", "row_layout"]

#: Cycles from taking a sample to its interval on ``o``.
LATENCY = 9

ENTRY_BITS = (model.ADAPTIVE_TOTAL << model.RATE).bit_length()  # a CDF entry, 26 bits
COUNT_BITS = model.RATE  # the count saturates at 2**RATE - 1
BOUND_BITS = model.HALF.bit_length()  # a bound of the magnitude's CDF, 0 .. HALF
POSITION_BITS = model.INTERPOLATION_BITS
SEEN_BITS = (model.UPDATE_EVERY - 1).bit_length()
CONTEXT_BITS = (model.CONTEXTS - 1).bit_length()
assert model.UPDATE_EVERY == 1 << SEEN_BITS
#: The least adaptation shift: a context's count starts at PRIOR_COUNT and only grows.
FIRST_RATE = model.adaptation_shift(model.PRIOR_COUNT)


def row_layout():
    """A context: the inner entries ``cdf[1] .. cdf[BINS - 1]``, and the count."""
    return data.StructLayout({
        "cdf": data.ArrayLayout(ENTRY_BITS, model.BINS - 1),
        "count": COUNT_BITS,
    })


def prior_row(context):
    """The row of ``context`` at the start of a stream (:class:`golden.interval.AdaptiveCdf`)."""
    cdf = model.AdaptiveCdf(context)
    return {"cdf": cdf.cdf[1:model.BINS], "count": cdf.count}


class Axis:
    """The analog axis of ``table`` for ``width``-bit codes, as constants and hardware.

    ``bits`` is the axis' width: every edge and centre is below ``2**bits``.
    """

    def __init__(self, table, width):
        table.check(width)
        self.table = table
        self.width = width
        self.top = table.edge(1 << width)
        self.bits = max(self.top.bit_length(), 1)
        self.period_bits = table.period.bit_length() - 1

    def values(self, code, kind):
        """The ``edge``, ``next`` edge or ``centre`` of the ``code`` signal, ``bits`` wide:
        a running sum from a table, the block's base and a constant for the exceptions
        below (or at) ``code``."""
        table, bits = self.table, self.bits
        period = table.period
        start = {"edge": 0, "next": 1, "centre": 0}[kind]

        def golden(c):
            return table.edge(c + start) if kind != "centre" else table.centre(c)

        # the values without the exceptions: a block's base and a running sum in the block
        running_sums = [sum(table.widths[:o]) for o in range(period + 1)]
        total = running_sums[period]

        def plain(c):
            blocks, offset = divmod(c + start, period)
            middle = table.widths[offset] >> 1 if kind == "centre" else 0
            return blocks * total + running_sums[offset] + middle

        sums = [plain(o) for o in range(period)]
        offset = code[:self.period_bits]
        running = Cat(*(Const(s, bits) for s in sums)).word_select(offset, bits) \
            if period > 1 else Const(sums[0], bits)
        blocks = code[self.period_bits:]
        if total and total & (total - 1) == 0:
            base = blocks << (total.bit_length() - 1)
        else:
            base = blocks * total
        # the exceptions' constant: the difference from the plain table, a function of which
        # exceptions lie below the code (and whether it is one), chosen by comparators
        correction = Const(0, bits)
        for exception in table.exceptions:
            above = exception + 1  # the first code past the exception
            at = (golden(exception) - plain(exception)) % (1 << bits)
            correction = Mux(code == exception, at, correction)
            if above < (1 << self.width):
                past = (golden(above) - plain(above)) % (1 << bits)
                correction = Mux(code > exception, past, correction)
        return (base + running + correction)[:bits]


def locate(value, shift, width):
    """Where the magnitude ``value`` (analog units) lies in the magnitude's bins at bin
    width ``2**shift``: ``(index, position)``, the bin (``BINS`` if past the last, where
    ``G`` is ``HALF``) and the :data:`INTERPOLATION_BITS` top bits of the position in it,
    scaled so that the interpolation divides by ``2**INTERPOLATION_BITS`` at any width."""
    bits = len(value)
    scaled = (Cat(Const(0, POSITION_BITS), value) >> shift)[:bits + POSITION_BITS]
    index = scaled[POSITION_BITS:]
    span = width + adc.FRACTION_BITS  # the last bin's width, log2
    # value - (BINS - 1) << shift, wide enough for the largest shift
    tail_start = Const(model.BINS - 1, bits + 2) << shift
    tail_value = value - tail_start
    beyond = tail_value >= (1 << span)
    if span >= POSITION_BITS:
        tail_position = tail_value[span - POSITION_BITS:span]
    else:
        tail_position = (tail_value << (POSITION_BITS - span))[:POSITION_BITS]
    inner = index < model.BINS - 1
    located = Mux(inner, index[:6], Mux(beyond, model.BINS, model.BINS - 1))
    position = Mux(inner, scaled[:POSITION_BITS], Mux(beyond, 0, tail_position))
    return located, position


def interval_input_layout(width, near=0):
    """What the model takes: a Rice coder's pair with its side (``u`` unused)."""
    return pair_layout(width, side_layout(width, near))


class IntervalModel(wiring.Component):
    """Samples' ``k`` and side in, coding intervals out, one a clock; latency :data:`LATENCY`.

    Parameters
    ----------
    width : int
        Sample width ``W``; ``k`` is below ``W``.
    table : golden.adc.AdcTable
        The ADC's code widths, fixed here; :func:`golden.adc.default` of ``width`` if None.
    near : int
        The error bound δ: the side's codes are the bin's (:func:`~gateware.predictor.side_layout`).

    Members
    -------
    i : In(stream.Signature(interval_input_layout(width, near)))
        ``last`` ends a stream, and the next starts every context from its prior.
    o : Out(stream.Signature(gateware.arith.interval_layout(width)))
        The interval, or the escape's and the code in ``W`` bypass bits, with ``last``.
    """

    def __init__(self, width, table=None, near=0):
        check_width(width)
        check_near(near, width)
        table = adc.default(width) if table is None else table
        if not isinstance(table, adc.AdcTable):
            raise TypeError(f"table must be a golden.adc.AdcTable, not {table!r}")
        self._axis = Axis(table, width)  # raises ValueError unless the table fits
        self._width = width
        self._near = near
        super().__init__({
            "i": In(stream.Signature(interval_input_layout(width, near))),
            "o": Out(stream.Signature(interval_layout(width))),
        })

    def elaborate(self, platform):
        m = Module()
        width, near, axis = self._width, self._near, self._axis
        bits = axis.bits
        top_code = (1 << width) - 1
        pipe = Lockstep(m, self.i, self.o, LATENCY)
        sync = []  # every stage's registers load on `enable`, bubbles' don't-cares too

        def stage(name, shape, value):
            register = Signal(shape, name=name, reset_less=True)
            sync.append(register.eq(value))
            return register

        def follow(name, shape, value, stages):
            """``value``'s registers in the next ``stages`` stages."""
            chain = []
            for at in range(stages):
                value = stage(f"{name}_{at}", shape, value)
                chain.append(value)
            return chain

        def carry(name, shape, value, stages):
            return follow(name, shape, value, stages)[-1]

        # Stage 0: the axis' values of the codes.
        side = self.i.p.side
        k = self.i.p.k
        if near:
            lowest, highest, restored = side.lowest, side.highest, side.restored
        else:
            lowest = highest = restored = side.code
        previous = stage("previous", bits, axis.values(side.previous, "centre"))
        low_edge = stage("low_edge", bits, axis.values(lowest, "edge"))
        high_edge = stage("high_edge", bits, axis.values(highest, "next"))
        centre = stage("centre", bits, axis.values(restored, "centre"))
        correction = stage("correction", side.correction.shape(), side.correction)
        flags = [stage("first", 1, lowest == 0), stage("final", 1, highest == top_code)]
        flags = [carry(f"flag{j}", 1, flag, 6) for j, flag in enumerate(flags)]
        code = carry("restored", width, restored, 8)
        last = follow("last", 1, self.i.p.last, 8)
        k = carry("k", len(k), k, 3)  # to stage 2

        # Stage 1: P, within the axis.
        raw = Signal(signed(max(bits, len(correction)) + 2))
        m.d.comb += raw.eq(previous + correction)
        analog = stage("analog", bits, Mux(raw < 0, 0, Mux(raw > axis.top, axis.top,
                                                          raw[:bits])))
        edges = [carry(f"edge{j}", bits, edge, 1) for j, edge in enumerate(
            (low_edge, high_edge, centre))]

        # Stage 2: offsets from P: a magnitude (both differences, one chosen by the sign of
        # the first) and a sign.
        magnitudes, signs = [], []
        for j, edge in enumerate(edges):
            below = Signal(signed(bits + 1), name=f"below{j}")
            above = Signal(signed(bits + 1), name=f"above{j}")
            m.d.comb += [below.eq(edge - analog), above.eq(analog - edge)]
            magnitudes.append(stage(f"magnitude{j}", bits, Mux(below[-1], above, below)[:bits]))
            signs.append(stage(f"negative{j}", 1, below[-1]))
        signs = [carry(f"negative{j}_", 1, sign, 4) for j, sign in enumerate(signs[:2])]

        # Stage 3: the bins and positions, at bin width 2**(k + BIN_SHIFT), near-lossless
        # 2**near_shift(δ) times more (a constant of the elaboration); the context's
        # row is read as the sample enters.
        shift = k + (model.BIN_SHIFT + model.near_shift(near))
        located = [locate(magnitude, shift, width) for magnitude in magnitudes]
        indices = [stage(f"index{j}", 6, index) for j, (index, _) in enumerate(located[:2])]
        positions = [carry(f"position{j}", POSITION_BITS, position, 3)
                     for j, (_, position) in enumerate(located[:2])]
        observed = stage("observed", 5, Mux(located[2][0] >= model.BINS - 1, model.BINS - 1,
                                            located[2][0][:5]))
        context = Mux(k >= model.CONTEXTS - 1, model.CONTEXTS - 1, k[:CONTEXT_BITS])
        context_3 = stage("context", CONTEXT_BITS, context)

        # Stage 4: the frequencies from the context's row.
        m.submodules.contexts = contexts = Memory(
            shape=row_layout(), depth=model.CONTEXTS, init=[])
        write = contexts.write_port()
        # read as the sample is in stage 3: the rows are registers (a block RAM's
        # registered port would only copy the row), and a write shows on the next clock
        read = contexts.read_port(domain="comb")
        stale = Signal(model.CONTEXTS, init=(1 << model.CONTEXTS) - 1)  # the row is the prior
        seen = Signal(data.ArrayLayout(SEEN_BITS, model.CONTEXTS))
        m.d.comb += read.addr.eq(context_3)
        row = Signal(row_layout())
        priors = [row_layout().const(prior_row(c)) for c in range(model.CONTEXTS)]
        with m.If(stale.bit_select(context_3, 1)):
            m.d.comb += row.eq(Mux(context_3[1],
                                   Mux(context_3[0], priors[3], priors[2]),
                                   Mux(context_3[0], priors[1], priors[0])))
        with m.Else():
            m.d.comb += row.eq(read.data)
        # the bins' frequencies, without their one unit a bin: cdf >> RATE, from 0 to
        # ADAPTIVE_TOTAL, and once more past the end
        frequencies = Cat(Const(0, BOUND_BITS),
                          *(row.cdf[i][model.RATE:] for i in range(model.BINS - 1)),
                          Const(model.ADAPTIVE_TOTAL, BOUND_BITS).replicate(2))
        below_bin = [stage(f"below_bin{j}", BOUND_BITS,
                           frequencies.word_select(index, BOUND_BITS))
                     for j, index in enumerate(indices)]
        above_bin = [stage(f"above_bin{j}", BOUND_BITS,
                           frequencies.word_select(index + 1, BOUND_BITS))
                     for j, index in enumerate(indices)]
        indices = [carry(f"index{j}_", 6, index, 1) for j, index in enumerate(indices)]

        # The update, every UPDATE_EVERY-th sample of the context: shift =
        # min(RATE, bit_length(count + 1)), the count from PRIOR_COUNT, so the shift is
        # at least FIRST_RATE (as `FIRST_RATE + rate`).
        count = row.count
        rate = Signal(range(model.RATE - FIRST_RATE + 1))
        for s in range(FIRST_RATE + 1, model.RATE + 1):
            with m.If((count + 1) >= (1 << (s - 1))):
                m.d.comb += rate.eq(s - FIRST_RATE)
        updated = Signal(row_layout())
        m.d.comb += updated.count.eq(Mux(count == (1 << COUNT_BITS) - 1, count, count + 1))
        # An entry c moves down by c >> s, or up by (top - c) >> s; top's low RATE bits
        # are zero, so the step up is top >> s less ceil(c / 2**s), and both moves are
        # c - (c >> s) + (up ? (top >> s) - (c's low s bits nonzero) : 0): one shifter of c
        # and two adders an entry, top >> s chosen once for the row.
        top = model.ADAPTIVE_TOTAL << model.RATE
        top_step = Signal(ENTRY_BITS - FIRST_RATE)
        m.d.comb += top_step.eq(Cat(*(Const(top >> (FIRST_RATE + r), len(top_step))
                                      for r in range(model.RATE - FIRST_RATE + 1)))
                                .word_select(rate, len(top_step)))
        for i in range(1, model.BINS):
            entry = row.cdf[i - 1]
            up = Signal(name=f"up{i}")
            inexact = Signal(name=f"inexact{i}")  # the low s bits of the entry are not 0
            high, low = entry[FIRST_RATE:], entry[:FIRST_RATE].any()
            lost = Cat(low, *(low | high[:r].any()
                              for r in range(1, model.RATE - FIRST_RATE + 1)))
            m.d.comb += [
                up.eq(observed < i),
                inexact.eq(lost.bit_select(rate, 1)),
            ]
            step = Signal(signed(ENTRY_BITS - FIRST_RATE + 1), name=f"step{i}")
            m.d.comb += step.eq(Mux(up, top_step, 0) - (high >> rate) - (up & inexact))
            m.d.comb += updated.cdf[i - 1].eq(entry + step)
        leaves = pipe.leaves(3)
        seen_now = seen[context_3]
        fourth = seen_now == model.UPDATE_EVERY - 1
        m.d.comb += [write.addr.eq(context_3), write.data.eq(updated),
                     write.en.eq(leaves & fourth)]
        with m.If(leaves):
            with m.If(last[3]):
                m.d.sync += [stale.eq((1 << model.CONTEXTS) - 1), seen.eq(0)]
            with m.Else():
                m.d.sync += seen[context_3].eq(seen_now + 1)  # (wraps to 0 at the update)
                with m.If(fourth):
                    m.d.sync += stale.eq(stale & ~(Const(1, model.CONTEXTS) << context_3))

        # Stage 5: each edge's bound(index), and bound(index + 1) - bound(index).
        bounds = [stage(f"bound{j}", BOUND_BITS, below + index)
                  for j, (below, index) in enumerate(zip(below_bin, indices))]
        spans = [stage(f"span{j}", BOUND_BITS, above - below + 1)
                 for j, (below, above) in enumerate(zip(below_bin, above_bin))]

        # Stage 6: the interpolation's products.
        products = [stage(f"product{j}", BOUND_BITS + POSITION_BITS, span * position)
                    for j, (span, position) in enumerate(zip(spans, positions))]
        bounds = [carry(f"bound{j}_", BOUND_BITS, bound, 1) for j, bound in enumerate(bounds)]

        # Stage 7: G at each edge, and cum(): HALF + G above P, HALF - G below.
        cumulative = []
        for j, (bound, product, negative) in enumerate(zip(bounds, products, signs)):
            g = Signal(BOUND_BITS, name=f"g{j}")
            m.d.comb += g.eq(bound + (product >> POSITION_BITS))
            cumulative.append(Mux(negative, model.HALF - g, model.HALF + g)[:PROB_BITS])
        low = stage("low", PROB_BITS, Mux(flags[0], 0, cumulative[0]))
        high = stage("high", PROB_BITS, Mux(flags[1], model.ESCAPE, cumulative[1]))

        # Stage 8, the output register: the interval, or the escape and the code.
        escape = high <= low
        sync += [
            self.o.p.start.eq(Mux(escape, model.ESCAPE, low)),
            self.o.p.end.eq(Mux(escape, 1 << PROB_BITS, high)),
            self.o.p.rest.eq(Mux(escape, code, 0)),
            self.o.p.bits.eq(Mux(escape, width, 0)),
            self.o.p.last.eq(last[7]),
        ]
        with m.If(pipe.enable):
            m.d.sync += sync
        return m
