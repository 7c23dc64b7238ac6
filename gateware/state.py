"""Per-channel state of a pipeline stage, for round-robin interleaved channels.

A stage that keeps state per channel (the predictor, the Rice coder) holds one item at a
time. :class:`ChannelState` tells it the state of that item's channel and stores the state
the item leaves behind. Item ``i`` of a stream belongs to channel ``i % channels``, as in
:func:`golden.core.encode_stream`; the channel counter is internal and restarts after the
item that ends a stream.

A new stream starts from the initial state in every channel without clearing the memory:
its first ``channels`` items visit each channel once, in order, so an item of that first
round takes the initial state instead of the stored one, and stores its successor state
as usual.

With one channel the state is a register. With more it lives in an
:class:`amaranth.lib.memory.Memory` with a synchronous read port, read as the stage takes an
item, so that the row is there the next cycle, when the stage holds the item, and held while
it does. A write lands at the clock edge that ends its cycle, so a read in the same cycle
sees the old row. That needs no forwarding: two consecutive items of one channel occur only
with one channel (a register) or across the end of a stream, where the second item is of a
first round and ignores the row.
"""

from amaranth.hdl import Const, Module, Mux, ShapeCastable, Signal
from amaranth.lib import wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out


class ChannelState(wiring.Component):
    """The state of the channel of the item a pipeline stage holds.

    Parameters
    ----------
    shape : shape-like
        Shape of the state of one channel.
    init : constant-castable
        The state of every channel at the start of a stream.
    channels : int
        Number of interleaved channels.

    Members
    -------
    take : In(1)
        The stage takes an item this cycle; it holds it from the next cycle on.
    take_last : In(1)
        The item taken ends its stream.
    leave : In(1)
        The item the stage holds leaves this cycle; ``update`` is its channel's new state.
    update : In(shape)
        The state the item the stage holds leaves behind.
    state : Out(shape)
        The state of the channel of the item the stage holds.
    """

    def __init__(self, shape, init, channels):
        if not isinstance(channels, int) or channels < 1:
            raise ValueError(f"channel count must be a positive integer, not {channels!r}")
        self._shape = shape
        self._init = init
        self._channels = channels
        super().__init__({
            "take": In(1),
            "take_last": In(1),
            "leave": In(1),
            "update": In(shape),
            "state": Out(shape),
        })

    def elaborate(self, platform):
        m = Module()
        channels = self._channels

        # Whether the next item to be taken, and the item held, are of a first round.
        first_round = Signal(init=1)
        first = Signal()
        with m.If(self.take):
            m.d.sync += first.eq(first_round)

        if channels == 1:
            with m.If(self.take):
                m.d.sync += first_round.eq(self.take_last)
            stored = Signal(self._shape)
            with m.If(self.leave):
                m.d.sync += stored.eq(self.update)
        else:
            # The channel of the item held, and of the next item to be taken.
            channel = Signal(range(channels))
            next_channel = Signal(range(channels))
            wraps = next_channel == channels - 1
            with m.If(self.take):
                m.d.sync += [
                    channel.eq(next_channel),
                    next_channel.eq(Mux(self.take_last | wraps, 0, next_channel + 1)),
                    first_round.eq(self.take_last | (first_round & ~wraps)),
                ]
            m.submodules.memory = memory = Memory(shape=self._shape, depth=channels, init=[])
            write = memory.write_port()
            read = memory.read_port()
            m.d.comb += [
                write.addr.eq(channel),
                write.data.eq(self.update),
                write.en.eq(self.leave),
                # while the stage holds its item, the read register holds that item's row
                read.addr.eq(next_channel),
                read.en.eq(self.take),
            ]
            stored = read.data

        if isinstance(self._shape, ShapeCastable):
            init = self._shape.const(self._init)
        else:
            init = Const(self._init, self._shape)
        m.d.comb += self.state.eq(Mux(first, init, stored))
        return m
