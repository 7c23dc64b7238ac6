"""The control of a pipeline whose stages advance together, between two streams.

A block that splits its work over several clock cycles keeps one register stage a cycle.
All its stages advance on the same clock edge, when the block's output is free or being
taken (``enable``); an item in flight never overtakes another, so the item in a stage is
always the item a fixed number of takes before the one entering, bubbles included. Under
backpressure everything freezes, bubbles too, which costs no throughput when the output
takes an item a clock and keeps each stage to one enable.

A block may refuse its input while a stage holds something the next item depends on
(``hold``): the item waits, and a bubble enters instead.
"""

from amaranth.hdl import Signal

__all__ = ["Lockstep"]


class Lockstep:
    """Valid flags and the advance of a pipeline of ``depth`` stages, added to ``m``.

    Stage ``0`` is the first register after the input; stage ``depth - 1`` is the output
    register, whose flag is ``o.valid``. A stage's registers load, in ``m.d.sync`` under
    ``enable``, what the stage before holds (the input, for stage ``0``).

    Parameters
    ----------
    m : Module
    i, o : stream interfaces
        The block's input and output; ``o.valid`` and ``i.ready`` are driven here.
    depth : int
        Number of stages, at least 1.
    hold : Value
        Refuse the input this cycle, though the stages advance.

    Attributes
    ----------
    enable : Signal
        The stages advance this cycle.
    take : Value
        The input item enters stage ``0`` this cycle.
    valid : list of Signal
        ``valid[k]``: stage ``k`` holds an item.
    """

    def __init__(self, m, i, o, depth, *, hold=0):
        if depth < 1:
            raise ValueError(f"a pipeline needs at least one stage, not {depth}")
        self.enable = Signal()
        self.valid = [Signal(name=f"valid_{k}") for k in range(depth)]
        m.d.comb += [
            self.enable.eq(~o.valid | o.ready),
            i.ready.eq(self.enable & ~hold),
            o.valid.eq(self.valid[-1]),
        ]
        self.take = i.valid & i.ready
        with m.If(self.enable):
            m.d.sync += self.valid[0].eq(self.take)
            m.d.sync += [after.eq(before) for before, after in zip(self.valid, self.valid[1:])]

    def enters(self, stage):
        """The item of stage ``stage - 1`` (the input, for stage 0) moves into ``stage``."""
        return self.take if stage == 0 else self.enable & self.valid[stage - 1]

    def leaves(self, stage):
        """The item of ``stage`` moves on this cycle."""
        return self.enable & self.valid[stage]
