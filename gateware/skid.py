"""A skid buffer: a pipeline register between two stream components that also registers
``ready``.

A block whose stages advance when its output is free or taken passes the ``ready`` of its
output, through one logic level, to its input; chained, the blocks would make one long path
from the encoder's output to its input, fanned out to every stage's enable. Between two
blocks a skid buffer ends that path: its ``i.ready`` is a flip-flop, and the item offered
while its output is refused waits in a second register (the skid) rather than being lost.
"""

from amaranth.hdl import Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

__all__ = ["SkidBuffer"]


class SkidBuffer(wiring.Component):
    """Pass items through a register, with ``i.ready`` and ``o.valid`` from flip-flops.

    Latency 1 cycle; throughput one item a clock.

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
        self._layout = layout
        super().__init__({
            "i": In(stream.Signature(layout)),
            "o": Out(stream.Signature(layout)),
        })

    def elaborate(self, platform):
        m = Module()
        skid = Signal(self._layout, reset_less=True)
        skidding = Signal()  # the skid holds an item, and the input is refused
        m.d.comb += self.i.ready.eq(~skidding)
        take = self.i.valid & self.i.ready
        free = ~self.o.valid | self.o.ready
        with m.If(free):
            # the output register is free: the skid's item first, else the input's
            m.d.sync += [self.o.p.eq(Mux(skidding, skid, self.i.p)),
                         self.o.valid.eq(skidding | take)]
        # the skid copies the input while it is empty, so that it holds the item taken in
        # the cycle it fills (an enable of one flip-flop, not of the handshake's logic)
        with m.If(~skidding):
            m.d.sync += skid.eq(self.i.p)
        m.d.sync += skidding.eq(~free & (skidding | take))
        return m
