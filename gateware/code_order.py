"""The rank order of an ADC's codes (:mod:`golden.order`) at the encoder's input.

The lossless Rice and arithmetic back ends code each code as its rank, the ADC's missing
codes (width 0 in its table) last; the rest of the encoder sees ranks only. For the
implant's ADC, whose missing code is 511, the rank is the code less one above 511, and
1023 for 511 itself: a comparator against each missing code and a subtraction, no state.
The order is fixed at elaboration.
"""

from amaranth.hdl import Module, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from .predictor import sample_layout

__all__ = ["CodeOrder", "ranked"]


def ranked(m, code, order):
    """A signal that is ``order.ranks[code]``, from comparators: ``code`` less the missing
    codes below it, or a missing code's place at the top."""
    width = order.width
    rank = Signal(width)
    below = sum((code > missing for missing in order.missing), start=0)
    m.d.comb += rank.eq(code - below)
    top = (1 << width) - len(order.missing)
    for j, missing in enumerate(order.missing):
        with m.If(code == missing):
            m.d.comb += rank.eq(top + j)
    return rank


class CodeOrder(wiring.Component):
    """Samples in, the same samples as ranks out, in the same clock.

    Parameters
    ----------
    order : golden.order.CodeOrder
        The order; its ``width`` is the samples'.

    Members
    -------
    i : In(stream.Signature(sample_layout(width)))
        Codes.
    o : Out(stream.Signature(sample_layout(width)))
        Their ranks, ``last`` passed through.
    """

    def __init__(self, order):
        self.order = order
        layout = sample_layout(order.width)
        super().__init__({"i": In(stream.Signature(layout)),
                          "o": Out(stream.Signature(layout))})

    def elaborate(self, platform):
        m = Module()
        m.d.comb += [
            self.o.valid.eq(self.i.valid),
            self.i.ready.eq(self.o.ready),
            self.o.p.last.eq(self.i.p.last),
            self.o.p.sample.eq(ranked(m, self.i.p.sample, self.order)),
        ]
        return m
