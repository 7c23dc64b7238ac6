"""The arithmetic back end's model: :mod:`golden.arith`'s symbol and its adaptive CDF.

A ``(u, k)`` pair in, the symbol's coding interval out: its cumulative frequencies
``start .. end`` (:meth:`golden.arith.AdaptiveCdf.cumulative`) and the bypass value and bits
(:func:`golden.arith.split`), for :class:`~gateware.rangecoder.RangeCoder`. Two stages::

    stage 0   split(u, k): the symbol, the bypass value and bits; context k's row is read
    stage 1   cumulative[symbol], cumulative[symbol + 1] from the row; the row's update,
              written back as the pair leaves (the output register)

The contexts (one a value of ``k``, shared by every channel) live in a memory of one row a
context: the 31 inner CDF entries of ``RATE`` fraction bits and the count. The update is the
only loop: the next pair may use the same context on the next clock, so the read port is
transparent for the write port (the row written as a pair leaves stage 0 is the row the pair
entering reads). A stream starts every context from the prior: a flag a context, set by a
stream's last pair, says the row in memory is stale and the prior is the context's row, so
no reset walks the memory.
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from golden import arith as model
from golden.rangecoder import PROB_BITS

from .parameters import check_width
from .pipeline import Lockstep

__all__ = ["LATENCY", "ArithModel", "interval_layout", "pair_layout", "row_layout"]

#: Cycles from taking a pair to its interval on ``o``.
LATENCY = 2

ENTRY_BITS = ((model.ADAPTIVE_TOTAL << model.RATE)).bit_length()  # a CDF entry, 27 bits
COUNT_BITS = model.RATE  # the count saturates at 2**RATE - 1
FREQUENCY_BITS = PROB_BITS + 1  # cumulative frequencies go up to 2**PROB_BITS


def pair_layout(width, side=None):
    """A zigzagged residual ``u`` and its Rice parameter ``k``, as the Rice coder finds them;
    and the residual's ``side``, if it has one (:func:`gateware.predictor.side_layout`)."""
    fields = {"u": width, "k": range(max(width, 2)), "last": 1}
    return data.StructLayout(fields if side is None else {**fields, "side": side})


def interval_layout(width):
    """A symbol's coding interval and the bypass bits after it: :meth:`RangeEncoder.encode`
    ``(start, end)``, then :meth:`RangeEncoder.bypass` ``(rest, bits)``."""
    return data.StructLayout({
        "start": FREQUENCY_BITS,
        "end": FREQUENCY_BITS,
        "rest": width,
        "bits": range(width + 1),
        "last": 1,
    })


def row_layout():
    """A context: the inner entries ``cdf[1] .. cdf[SYMBOLS - 1]``, and the count."""
    return data.StructLayout({
        "cdf": data.ArrayLayout(ENTRY_BITS, model.SYMBOLS - 1),
        "count": COUNT_BITS,
    })


def prior_row():
    """The row of a context at the start of a stream (:class:`golden.arith.AdaptiveCdf`)."""
    cdf = model.AdaptiveCdf()
    return {"cdf": cdf.cdf[1:model.SYMBOLS], "count": cdf.count}


class ArithModel(wiring.Component):
    """``(u, k)`` pairs in, coding intervals out, one a clock; latency :data:`LATENCY`.

    Parameters
    ----------
    width : int
        Sample width ``W``: ``u`` has ``W`` bits, ``k`` is below ``W``, ``W`` contexts.

    Members
    -------
    i : In(stream.Signature(pair_layout(width)))
        Pairs; ``last`` ends a stream, and the next starts every context from the prior.
    o : Out(stream.Signature(interval_layout(width)))
        The pair's interval and bypass bits, with its ``last``.
    """

    def __init__(self, width):
        check_width(width)
        self._width = width
        super().__init__({
            "i": In(stream.Signature(pair_layout(width))),
            "o": Out(stream.Signature(interval_layout(width))),
        })

    def elaborate(self, platform):
        m = Module()
        width = self._width
        pipe = Lockstep(m, self.i, self.o, LATENCY)

        # Stage 0: split(u, k); the context's row is read.
        u, k = self.i.p.u, self.i.p.k
        low_bits = Signal(range(width + 1))
        m.d.comb += low_bits.eq(Mux(k > model.TOP_BITS, k - model.TOP_BITS, 0))
        quotient = Signal(width)
        m.d.comb += quotient.eq(u >> low_bits)
        escape = quotient >= model.ESCAPE
        symbol = Signal(range(model.SYMBOLS), reset_less=True)
        rest = Signal(width, reset_less=True)
        bits = Signal(range(width + 1), reset_less=True)
        k_0 = Signal(range(max(width, 2)), reset_less=True)
        last_0 = Signal(reset_less=True)
        with m.If(pipe.enable):
            m.d.sync += [
                symbol.eq(Mux(escape, model.ESCAPE, quotient)),
                rest.eq(Mux(escape, u, u & ((Const(1, width + 1) << low_bits) - 1))),
                bits.eq(Mux(escape, width, low_bits)),
                k_0.eq(k),
                last_0.eq(self.i.p.last),
            ]

        m.submodules.contexts = contexts = Memory(shape=row_layout(), depth=width, init=[])
        write = contexts.write_port()
        read = contexts.read_port(transparent_for=(write,))
        stale = Signal(width, init=(1 << width) - 1)  # the context's row is the prior
        m.d.comb += [read.addr.eq(k), read.en.eq(pipe.enable)]
        row = Signal(row_layout())
        with m.If(stale.bit_select(k_0, 1)):
            m.d.comb += row.eq(row_layout().const(prior_row()))
        with m.Else():
            m.d.comb += row.eq(read.data)

        # Stage 1: the interval from the row; the row's update goes back as the pair leaves.
        cdf = [Const(0, ENTRY_BITS)] + [row.cdf[i] for i in range(model.SYMBOLS - 1)] + \
              [Const(model.ADAPTIVE_TOTAL << model.RATE, ENTRY_BITS)]
        cumulative = Cat(*(((c >> model.RATE) + model.MIN_FREQUENCY * i)[:FREQUENCY_BITS]
                           for i, c in enumerate(cdf)))
        start = Signal(FREQUENCY_BITS)
        end = Signal(FREQUENCY_BITS)
        m.d.comb += [
            start.eq(cumulative.word_select(symbol, FREQUENCY_BITS)),
            end.eq(cumulative.word_select(symbol + 1, FREQUENCY_BITS)),
        ]
        with m.If(pipe.enable):
            m.d.sync += [
                self.o.p.start.eq(start),
                self.o.p.end.eq(end),
                self.o.p.rest.eq(rest),
                self.o.p.bits.eq(bits),
                self.o.p.last.eq(last_0),
            ]

        # The update: shift = min(RATE, bit_length(count + 1)), the count from PRIOR_COUNT.
        count = row.count
        shift = Signal(range(model.RATE + 1))
        for s in range(model.adaptation_shift(model.PRIOR_COUNT), model.RATE + 1):
            with m.If((count + 1) >= (1 << (s - 1))):
                m.d.comb += shift.eq(s)
        top = model.ADAPTIVE_TOTAL << model.RATE
        updated = Signal(row_layout())
        m.d.comb += updated.count.eq(
            Mux(count == (1 << COUNT_BITS) - 1, count, count + 1))
        for i in range(1, model.SYMBOLS):
            entry = row.cdf[i - 1]
            m.d.comb += updated.cdf[i - 1].eq(Mux(
                symbol < i,
                entry + ((Const(top, ENTRY_BITS) - entry) >> shift),
                entry - (entry >> shift)))
        leaves = pipe.leaves(0)
        m.d.comb += [write.addr.eq(k_0), write.data.eq(updated), write.en.eq(leaves)]
        with m.If(leaves):
            with m.If(last_0):
                m.d.sync += stale.eq((1 << width) - 1)
            with m.Else():
                m.d.sync += stale.eq(stale & ~(Const(1, width) << k_0))
        return m
