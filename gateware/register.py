"""A pipeline register between two stream components."""

from amaranth.hdl import Module
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

__all__ = ["Register"]


class Register(wiring.Component):
    """Pass items through a register, to cut a long combinational path between two stages.

    Latency 1 cycle; throughput one item a clock. The input is taken when the register is
    empty or being emptied, the pipeline-stage idiom of every block.

    Parameters
    ----------
    layout : shape-like
        The payload of an item.

    Members
    -------
    i : In(stream.Signature(layout))
    o : Out(stream.Signature(layout))
    """

    def __init__(self, layout):
        super().__init__({
            "i": In(stream.Signature(layout)),
            "o": Out(stream.Signature(layout)),
        })

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.i.ready.eq(~self.o.valid | self.o.ready)
        with m.If(self.i.ready):
            m.d.sync += [self.o.valid.eq(self.i.valid), self.o.p.eq(self.i.p)]
        return m
