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

With one channel the state is a register, and the item that ends a stream writes the
initial state into it instead of its successor state. With more it lives in an
:class:`amaranth.lib.memory.Memory` with a synchronous read port, read as the stage takes an
item, so that the row is there the next cycle, when the stage holds the item, and held while
it does. A write lands at the clock edge that ends its cycle, so a read in the same cycle
sees the old row. That needs no forwarding: two consecutive items of one channel occur only
with one channel (a register) or across the end of a stream, where the second item is of a
first round and ignores the row.

With ``spram_bits``, the low bits of each row live instead in two single-port RAMs
(:class:`~gateware.spram.SinglePortRam`, the iCE40 UltraPlus SPRAM), one for the even
channels and one for the odd: the item taken is of the channel after that of the item
leaving, so with an even channel count the read and the write of a cycle go to different
RAMs, and one sample a clock needs no second port. The one exception, the first item of a
stream, is of a first round: its read is dropped for the write, and its row ignored. The
iCE40 UP5K has 30 EBRs of 4 bits a row at 1024 rows, 120 bits a channel; two SPRAMs add 16.

State may also span several pipeline stages (``span``): the row is read as the item enters
the first and written as it leaves the last, the stages advancing together
(:class:`~gateware.pipeline.Lockstep`). An item must then not enter while an item of its
channel is still in the span, or it would read a row about to be rewritten: ``busy`` says
so, and the pipeline holds its input. With more channels than the span has stages that
never happens, and ``busy`` is constant 0; with fewer, a channel takes a sample every
``span`` cycles at most, the recurrence's own limit. ``busy`` is a flip-flop, loaded with
what it will be after the clock edge, so that the input's handshake waits on no logic of
the span's.
"""

from itertools import pairwise

from amaranth.hdl import Cat, Const, Module, Mux, ShapeCastable, Signal
from amaranth.lib import wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from .spram import DEPTH as SPRAM_DEPTH
from .spram import WIDTH as SPRAM_WIDTH
from .spram import SinglePortRam


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
    spram_bits : int
        Bits of a row kept in a pair of single-port RAMs instead of the memory: 0, or up to
        16 with an even channel count of at most twice the RAM's depth.
    spram_instance : bool
        Instantiate the iCE40 SPRAM primitive rather than its behavioural model.
    span : int
        Pipeline stages from the read of a row to its write; more than 1 needs ``advance``,
        and no SPRAM (the read and the write of a cycle may then be of either parity).

    Members
    -------
    take : In(1)
        The stage takes an item this cycle; it holds it from the next cycle on.
    take_last : In(1)
        The item taken ends its stream.
    leave : In(1)
        The item the stage holds leaves this cycle; ``update`` is its channel's new state.
    update : In(shape)
        The state the item the stage holds leaves behind (with a span, the item in its
        last stage).
    state : Out(shape)
        The state of the channel of the item the stage holds (with a span, the item in its
        first stage).
    advance : In(1)
        With a span: the stages advance this cycle.
    busy : Out(1)
        With a span: an item of the channel of the next item to be taken is in the span.
    """

    def __init__(self, shape, init, channels, *, spram_bits=0, spram_instance=False,
                 span=1):
        if not isinstance(channels, int) or channels < 1:
            raise ValueError(f"channel count must be a positive integer, not {channels!r}")
        if spram_bits and (channels % 2 or channels > 2 * SPRAM_DEPTH):
            raise ValueError(f"SPRAM banks need an even channel count of at most "
                             f"{2 * SPRAM_DEPTH}, not {channels!r}")
        if not 0 <= spram_bits <= SPRAM_WIDTH:
            raise ValueError(f"SPRAM bits must be 0..{SPRAM_WIDTH}, not {spram_bits!r}")
        if span < 1 or (span > 1 and spram_bits):
            raise ValueError(f"a span of {span!r} stages needs no SPRAM and at least one stage")
        self._span = span
        self._spram_bits = spram_bits
        self._spram_instance = spram_instance
        self._shape = shape
        self._init = init
        self._channels = channels
        super().__init__({
            "take": In(1),
            "take_last": In(1),
            "leave": In(1),
            "update": In(shape),
            "state": Out(shape),
            "advance": In(1),
            "busy": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        channels = self._channels

        # The channels of the items in the span, stage by stage, and whether each holds one.
        span_channels = [Signal(range(channels), name=f"span_channel_{k}")
                         for k in range(self._span if channels > 1 else 0)]
        span_valid = [Signal(name=f"span_valid_{k}") for k in range(self._span)]
        if self._span > 1:
            with m.If(self.advance):
                m.d.sync += span_valid[0].eq(self.take)
                m.d.sync += [after.eq(before) for before, after in pairwise(span_valid)]
                m.d.sync += [after.eq(before)
                             for before, after in pairwise(span_channels)]

        if isinstance(self._shape, ShapeCastable):
            init = self._shape.const(self._init)
        else:
            init = Const(self._init, self._shape)

        # What the span's flags will hold after this cycle's edge: ``busy`` is a register,
        # loaded with what it will then be, so that the hold it gives the pipeline's input
        # leaves a flip-flop rather than a tree of logic on the input's handshake.
        after_valid = [Mux(self.advance, before, now)
                       for before, now in zip([self.take, *span_valid], span_valid)]
        busy = Signal()
        m.d.comb += self.busy.eq(busy)

        if channels == 1:
            # the register is read as the item is held, so the write as the last stage's item
            # leaves is in time for the item taken in that cycle
            if self._span > 1:
                m.d.sync += busy.eq(Cat(after_valid[:-1]).any())
            # The item that ends a stream leaves the initial state behind, for the next
            # stream, rather than the next item choosing it as it reads: the choice then sits
            # at the end of the update (where it shares the logic of the update's last step)
            # and not at the start of the read.
            # (loaded as the stages advance, bubbles too, whose flags nothing reads: so the
            # input's handshake does not enable them)
            ends = [Signal(name=f"span_last_{k}", reset_less=True) for k in range(self._span)]
            with m.If(self.advance if self._span > 1 else self.take):
                m.d.sync += ends[0].eq(self.take_last)
            with m.If(self.advance):
                m.d.sync += [after.eq(before) for before, after in pairwise(ends)]
            stored = Signal(self._shape, init=self._init)
            with m.If(self.leave):
                m.d.sync += stored.eq(Mux(ends[-1], init, self.update))
            m.d.comb += self.state.eq(stored)
            return m
        else:
            # Whether the next item to be taken, and the item held, are of a first round.
            first_round = Signal(init=1)
            first = Signal()
            with m.If(self.take):
                m.d.sync += first.eq(first_round)
            # The channel of the item held, and of the next item to be taken.
            channel = Signal(range(channels))
            next_channel = Signal(range(channels))
            wraps = next_channel == channels - 1
            after_next_channel = Mux(self.take_last | wraps, 0, next_channel + 1)
            with m.If(self.take):
                m.d.sync += [
                    channel.eq(next_channel),
                    next_channel.eq(after_next_channel),
                    first_round.eq(self.take_last | (first_round & ~wraps)),
                ]
            m.d.comb += span_channels[0].eq(channel)
            if 1 < self._span and channels <= self._span:
                after_channels = [Mux(self.take, next_channel, channel)] + [
                    Mux(self.advance, before, now)
                    for before, now in pairwise(span_channels)]
                after_next = Mux(self.take, after_next_channel, next_channel)
                m.d.sync += busy.eq(Cat(
                    valid & (held == after_next)
                    for valid, held in zip(after_valid, after_channels)).any())
            update = self.update.as_value()
            split = min(self._spram_bits, len(update) - 1)
            m.submodules.memory = memory = Memory(
                shape=len(update) - split, depth=channels, init=[])
            write = memory.write_port()
            read = memory.read_port()
            m.d.comb += [
                write.addr.eq(span_channels[-1]),
                write.data.eq(update[split:]),
                write.en.eq(self.leave),
                # while the stage holds its item, the read register holds that item's row
                read.addr.eq(next_channel),
                read.en.eq(self.take),
            ]
            stored = read.data
            if split:
                banks = [SinglePortRam(channels // 2, instance=self._spram_instance)
                         for _ in range(2)]
                m.submodules.even, m.submodules.odd = banks
                for parity, bank in enumerate(banks):
                    writes = self.leave & (channel[0] == parity)
                    reads = self.take & (next_channel[0] == parity)
                    m.d.comb += [
                        bank.enable.eq(writes | reads),
                        bank.write.eq(writes),
                        bank.address.eq(Mux(writes, channel >> 1, next_channel >> 1)),
                        bank.data_in.eq(update[:split]),
                    ]
                low = Mux(channel[0], banks[1].data_out, banks[0].data_out)
                stored = Cat(low[:split], read.data)

        m.d.comb += self.state.eq(Mux(first, init, stored))
        return m

