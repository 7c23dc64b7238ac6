"""The compact ASIC encoder's ADC-aware model: :mod:`golden.interval` in one clock.

Two pieces of :class:`~gateware.compact_interval.CompactIntervalEncoder`:

- :class:`Axis`: a code's lower edge, upper edge and centre on the analog axis of a width
  table (:class:`golden.adc.AdcTable`), fixed at elaboration: a ``period``-entry table of
  running sums (a multiplexer on the code's low bits), the block's base (the code's high
  bits times the period's sum, a shift when that sum is ``period << FRACTION_BITS``, as a
  calibration makes it), and a comparator and a constant an exception.
- :class:`Contexts`: the ``CONTEXTS`` adaptive magnitude distributions, shared by every
  channel, in flip-flops (a row a context: ``BINS - 1`` entries of 26 bits, the count, the
  samples since the last update). A row loads only at the update of its context, every
  ``UPDATE_EVERY``-th sample coded in it, or at a stream's end, so its flip-flops sit on a
  clock gate of their own. The sample's context's row and count are selected once (a
  multiplexer tree on the context), for the reads and the update alike. The update's logic
  is one for all contexts and takes the selected row ungated: both candidates of every
  entry, ``c + ((top - c) >> s)`` and ``c - (c >> s)``, are computed from it, as
  ``down = c - (c >> s)`` and ``up = down + (top >> s) - sticky`` (one shifter an entry;
  ``sticky``: any of ``c``'s low ``s`` bits set), and they change only when the row does
  (its update, or another context); the bin only selects between them. The shift ``s`` is
  at least 7, the bit length of ``PRIOR_COUNT + 1``, since the count only grows.
  :meth:`Contexts.locate` finds where an offset from the prediction falls: the bin and the
  position in it from one shift by ``k + 2``, the sign and the saturation (registered by
  the encoder, a clock before the read); :meth:`Contexts.cumulative` evaluates ``cum``
  there: the two bounds from the row (a 33-entry read) and one (14-bit difference) x
  (6-bit position) multiply. Given a clock domain (``hold``), the lower bound plus the bin
  and the interpolation are held at its edge, a barrier between the read and multiply
  and the sums after them.
"""

from amaranth.hdl import Cat, Const, Mux, Signal
from amaranth.lib import data

from golden import adc
from golden import interval as gi

__all__ = ["Axis", "Contexts", "located_layout", "prior_row"]

ENTRY_BITS = (gi.ADAPTIVE_TOTAL << gi.RATE).bit_length()  # a CDF entry, 26 bits
BOUND_BITS = gi.HALF.bit_length()  # 14
COUNT_BITS = gi.RATE
SEEN_BITS = (gi.UPDATE_EVERY - 1).bit_length()
POSITION_BITS = gi.INTERPOLATION_BITS
assert gi.UPDATE_EVERY == 1 << SEEN_BITS and gi.CONTEXTS == 4


def located_layout():
    """Where an offset from the prediction falls in a context's bins (:meth:`Contexts.locate`)."""
    return data.StructLayout({"negative": 1, "saturated": 1, "position": POSITION_BITS,
                              "bin": 5})


class Axis:
    """The analog axis of ``table`` for ``width``-bit codes: every value below ``2**bits``."""

    def __init__(self, table, width):
        table.check(width)
        self.table = table
        self.width = width
        self.top = table.edge(1 << width)
        self.bits = max(self.top.bit_length(), 1)

    def value(self, m, code, kind, name):
        """A signal of ``code``'s ``"edge"``, ``"next"`` edge or ``"centre"``."""
        table, bits = self.table, self.bits
        period = table.period
        period_bits = period.bit_length() - 1
        total = sum(table.widths)

        def plain(offset):  # the value of the code at offset in block 0, without exceptions
            after = offset + (kind == "next")
            middle = table.widths[offset] >> 1 if kind == "centre" else 0
            return sum(table.widths[:after]) + middle

        offset = code[:period_bits]
        # a decoder and an OR a bit: a multiplexer of constants would be taken for a ROM
        # (Yosys's memory_bmux2rom), which the ASIC flow would price as a memory
        hits = [offset == o for o in range(period)]
        running = Cat(*(_or([Const(0)] + [hits[o] for o in range(period) if plain(o) >> j & 1])
                        for j in range(bits))) if period > 1 else Const(plain(0), bits)
        blocks = code[period_bits:]
        base = (blocks << (total.bit_length() - 1) if total & (total - 1) == 0
                else blocks * total) if total else Const(0)
        result = base + running
        for code_e, width_e in table.exceptions.items():
            plain_width = table.widths[code_e % period]
            if kind == "centre":
                result = result + Mux(code > code_e, width_e - plain_width,
                                      Mux(code == code_e, (width_e >> 1) - (plain_width >> 1),
                                          0))
            else:
                below = code >= code_e if kind == "next" else code > code_e
                result = result + Mux(below, width_e - plain_width, 0)
        out = Signal(bits + 1, name=name)  # "next" of the top code is the axis' top
        m.d.comb += out.eq(result)
        return out


def prior_row(context):
    """The inner entries ``cdf[1] .. cdf[BINS - 1]`` of ``context`` at a stream's start."""
    return gi.AdaptiveCdf(context).cdf[1:gi.BINS]


class Contexts:
    """The contexts' rows in flip-flops, their reads and their update (see the module):
    ``context`` selects the row read and updated, ``k`` the shift of :meth:`locate` and
    :meth:`bin_of` (the encoder's ``k`` of the sample a clock before its reads)."""

    def __init__(self, m, width, context, k):
        self.width = width
        self.context = context
        self.shift = Signal(range(width + gi.BIN_SHIFT + 1))
        m.d.comb += self.shift.eq(k + gi.BIN_SHIFT)
        inner = data.ArrayLayout(ENTRY_BITS, gi.BINS - 1)
        self.rows = [Signal(inner, init=prior_row(c), name=f"context{c}_cdf")
                     for c in range(gi.CONTEXTS)]
        self.counts = [Signal(COUNT_BITS, init=gi.PRIOR_COUNT, name=f"context{c}_count")
                       for c in range(gi.CONTEXTS)]
        self.seen = [Signal(SEEN_BITS, name=f"context{c}_seen") for c in range(gi.CONTEXTS)]
        # the sample's context's row and count, one selection for the reads and the update
        self.row = Signal(inner, name="context_row")
        m.d.comb += self.row.eq(_select(context, self.rows))
        self.count = Signal(COUNT_BITS, name="context_count")
        m.d.comb += self.count.eq(_select(context, self.counts))
        # the bounds' upper bits, b(i) less i, for i = 0 .. BINS
        bounds = [Const(0, BOUND_BITS)] + [self.row[i][gi.RATE:] for i in range(gi.BINS - 1)] \
            + [Const(gi.ADAPTIVE_TOTAL, BOUND_BITS)]
        self.pairs = Cat(*(Cat(bounds[i], bounds[i + 1]) for i in range(gi.BINS)))
        self.updates = Signal()
        m.d.comb += self.updates.eq(Cat(*self.seen).word_select(context, SEEN_BITS)
                                    == gi.UPDATE_EVERY - 1)

    def locate(self, m, offset, name):
        """Where ``offset`` falls: its sign, the saturation, the bin and the 6-bit position in
        it, from one shift by ``k + 2`` (a :data:`located_layout` value)."""
        w = self.width
        located = Signal(located_layout(), name=f"{name}_located")
        negative = offset < 0
        magnitude = Signal(len(offset) - 1, name=f"{name}_magnitude")
        m.d.comb += magnitude.eq(Mux(negative, -offset, offset))
        scaled = Signal(len(magnitude) + POSITION_BITS, name=f"{name}_scaled")
        m.d.comb += scaled.eq((magnitude << POSITION_BITS) >> self.shift)
        index = scaled[POSITION_BITS:]
        tail = index >= gi.BINS - 1
        span = w + adc.FRACTION_BITS
        beyond = Signal(len(magnitude) + 1, name=f"{name}_beyond")  # r, in the last bin
        m.d.comb += beyond.eq(magnitude - (Const(gi.BINS - 1, 5) << self.shift))
        m.d.comb += [
            located.negative.eq(negative),
            located.saturated.eq(tail & ((beyond >> span) != 0) if len(beyond) > span else 0),
            located.position.eq(Mux(tail, (beyond << POSITION_BITS) >> span,
                                    scaled[:POSITION_BITS])),
            located.bin.eq(Mux(tail, gi.BINS - 1, index))]
        return located

    def cumulative(self, m, located, name, hold=None):
        """``cum`` (:meth:`golden.interval.AdaptiveCdf.cumulative`), 0 .. 2 HALF, at the place
        ``located`` (of :meth:`locate`) in the selected context's row. Given a clock domain
        (``hold``), the bin's lower bound and the interpolation are held at its edge, a
        barrier between the read and multiply and the sums after them."""
        pair = Signal(2 * BOUND_BITS, name=f"{name}_pair")
        m.d.comb += pair.eq(self.pairs.word_select(located.bin, 2 * BOUND_BITS))
        below, above = pair[:BOUND_BITS], pair[BOUND_BITS:]
        difference = Signal(BOUND_BITS, name=f"{name}_difference")  # b(i + 1) - b(i)
        m.d.comb += difference.eq(above - below + 1)
        product = Signal(BOUND_BITS + POSITION_BITS, name=f"{name}_product")
        m.d.comb += product.eq(difference * located.position)
        base = Signal(BOUND_BITS, name=f"{name}_base")  # b(i) + i
        m.d.comb += base.eq(below + located.bin)
        fraction = Signal(BOUND_BITS, name=f"{name}_fraction")
        m.d.comb += fraction.eq(product >> POSITION_BITS)
        if hold is not None:
            held = [Signal.like(v, name=f"{v.name}_held") for v in (base, fraction)]
            m.d[hold] += [held[0].eq(base), held[1].eq(fraction)]
            base, fraction = held
        magnitude_cdf = Signal(BOUND_BITS, name=f"{name}_g")
        m.d.comb += magnitude_cdf.eq(Mux(located.saturated, gi.HALF, base + fraction))
        cum = Signal(BOUND_BITS + 1, name=name)
        m.d.comb += cum.eq(Mux(located.negative, gi.HALF - magnitude_cdf,
                               gi.HALF + magnitude_cdf))
        return cum

    def bin_of(self, m, distance):
        """The update's bin of ``distance``: ``min(distance >> (k + 2), BINS - 1)``."""
        index = Signal(5, name="update_bin")
        scaled = distance >> self.shift
        m.d.comb += index.eq(Mux(scaled > gi.BINS - 1, gi.BINS - 1, scaled))
        return index

    def update(self, m, take, restart, bin_):
        """At ``take``: a stream's ``restart`` resets every context, else count the sample in
        its context and, every UPDATE_EVERY-th, move that context's row towards ``bin_``
        (:meth:`bin_of`; :meth:`golden.interval.AdaptiveCdf.observe`)."""
        updates, context = self.updates, self.context
        # Both candidates of every entry from the context's row, ungated: they change only
        # when the row does (its update, or another context), and the bin only selects.
        # With s the shift, (top - c) >> s is (top >> s) - (c >> s) less a bit if any of c's
        # low s bits is set (top's low RATE bits are zero), so one shifter an entry serves:
        #   down = c - (c >> s),  up = down + (top >> s) - sticky
        # The count starts at PRIOR_COUNT and only grows, so s is at least its bit length.
        row, count = self.row, self.count
        # the bin is 0 but on an update, so the selection moves only then
        index = Signal(5)
        m.d.comb += index.eq(Mux(updates, bin_, 0))
        grown = Signal(COUNT_BITS + 1)
        m.d.comb += grown.eq(count + 1)
        least = (gi.PRIOR_COUNT + 1).bit_length()  # the smallest shift, 7
        length = Const(least, 4)
        for j in range(least, len(grown)):
            length = Mux(grown[j], j + 1, length)
        step = Signal(range(gi.RATE + 1))
        m.d.comb += step.eq(Mux(length > gi.RATE, gi.RATE, length))
        extra = Signal(range(gi.RATE - least + 1))  # s - least
        m.d.comb += extra.eq(step - least)
        top = gi.ADAPTIVE_TOTAL << gi.RATE
        quotient = Signal(ENTRY_BITS, name="update_quotient")  # (top >> s) - 1
        m.d.comb += quotient.eq((Const(top >> least, ENTRY_BITS) >> extra) - 1)
        entries = data.ArrayLayout(ENTRY_BITS, gi.BINS - 1)
        moved = Signal(entries)
        for i in range(1, gi.BINS):
            entry = row[i - 1]
            shifted = Signal(ENTRY_BITS - least, name=f"update{i}_shifted")
            m.d.comb += shifted.eq(entry[least:] >> extra)
            # any of the entry's low s bits set: a prefix OR of the low RATE bits
            ors = [entry[:least] != 0]
            for j in range(least, gi.RATE):
                ors.append(ors[-1] | entry[j])
            sticky = Cat(*ors).bit_select(extra, 1)
            down = Signal(ENTRY_BITS, name=f"update{i}_down")
            m.d.comb += down.eq(entry - shifted)
            up = Signal(ENTRY_BITS, name=f"update{i}_up")
            m.d.comb += up.eq(down + quotient + ~sticky)
            m.d.comb += moved[i - 1].eq(Mux(index < i, up, down))
        saturating = Signal(COUNT_BITS)
        m.d.comb += saturating.eq(Mux(grown[COUNT_BITS], count, grown))
        with m.If(take):
            for c in range(gi.CONTEXTS):
                with m.If(restart):
                    m.d.sync += [self.rows[c].eq(self.rows[c].shape().const(prior_row(c))),
                                 self.counts[c].eq(gi.PRIOR_COUNT), self.seen[c].eq(0)]
                with m.Elif(context == c):
                    m.d.sync += self.seen[c].eq(self.seen[c] + 1)
                    with m.If(updates):
                        m.d.sync += [self.rows[c].eq(moved), self.counts[c].eq(saturating)]


def _select(context, values):
    """``values[context]`` of four, as a tree of two-way multiplexers."""
    return Mux(context[1], Mux(context[0], values[3], values[2]),
               Mux(context[0], values[1], values[0]))


def _or(values):
    values = list(values)
    result = values[0]
    for value in values[1:]:
        result = result | value
    return result
