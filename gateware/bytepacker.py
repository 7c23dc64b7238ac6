"""The range coder's items as words: each item's bytes spelled out, then packed MSB first.

:class:`ItemBytes` spells an item of :func:`gateware.rangecoder.item_layout` (a head byte,
a run of equal bytes, bytes of its own) as beats of up to :data:`BEAT` bytes, a beat a
clock: an item without a run (nearly all) is one beat, a run of ``n`` bytes takes about
``n / 4`` clocks more. :class:`BytePacker` packs beats into ``word_width``-bit words, as
:class:`golden.bits.BitWriter` does, the end of a stream padded with zeros.
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from .packer import word_layout
from .rangecoder import OWN_BYTES, PENDING_BITS, item_layout

__all__ = ["BEAT", "BytePacker", "ItemBytes", "beat_layout", "check_word_width"]

#: Bytes a beat.
BEAT = 4


def check_word_width(word_width):
    """Raise unless :class:`BytePacker` takes a beat a clock into ``word_width``-bit words."""
    if not isinstance(word_width, int) or isinstance(word_width, bool):
        raise TypeError(f"word width must be an integer, not {word_width!r}")
    if not 8 * BEAT <= word_width <= 64 or word_width % 8:
        raise ValueError(f"the arithmetic coder's word width must be 32, 40, ... 64 bits, "
                         f"not {word_width!r}")


def beat_layout():
    """The first ``count`` bytes of ``bytes`` (the first in the most significant)."""
    return data.StructLayout({"bytes": 8 * BEAT, "count": range(BEAT + 1), "last": 1})


class ItemBytes(wiring.Component):
    """Items in, beats out; an item's bytes in order, :data:`BEAT` a clock.

    Members
    -------
    i : In(stream.Signature(item_layout()))
    o : Out(stream.Signature(beat_layout()))
        Beats of one to :data:`BEAT` bytes; an item of no bytes gives none, unless ``last``.
    """

    def __init__(self):
        super().__init__({
            "i": In(stream.Signature(item_layout())),
            "o": Out(stream.Signature(beat_layout())),
        })

    def elaborate(self, platform):
        m = Module()
        item = self.i.p
        done = Signal(PENDING_BITS + 2)  # the item's bytes already in beats
        length = Signal(PENDING_BITS + 2)
        m.d.comb += length.eq(item.has_head + item.run + item.count)
        runs_to = Signal(PENDING_BITS + 1)  # the index of the first own byte
        m.d.comb += runs_to.eq(item.has_head + item.run)
        own = [item.own[8 * (OWN_BYTES - 1 - j):8 * (OWN_BYTES - j)] for j in range(OWN_BYTES)]
        own_at = Cat(*own)  # own byte j at word j

        beat = []
        for j in range(BEAT):
            index = Signal(PENDING_BITS + 2, name=f"index_{j}")
            m.d.comb += index.eq(done + j)
            value = Signal(8, name=f"byte_{j}")
            with m.If(item.has_head & (index == 0)):
                m.d.comb += value.eq(item.head)
            with m.Elif(index < runs_to):
                m.d.comb += value.eq(Mux(item.zeros, 0x00, 0xFF))
            with m.Else():
                m.d.comb += value.eq(own_at.word_select((index - runs_to)[:2], 8))
            beat.append(value)
        rest = Signal(PENDING_BITS + 2)
        m.d.comb += rest.eq(length - done)
        finishes = rest <= BEAT  # this beat takes the item's last bytes

        enable = Signal()
        m.d.comb += [
            enable.eq(~self.o.valid | self.o.ready),
            self.i.ready.eq(enable & finishes),
        ]
        with m.If(enable):
            m.d.sync += self.o.valid.eq(self.i.valid & ((rest != 0) | item.last))
            m.d.sync += [
                self.o.p.bytes.eq(Cat(*reversed(beat))),
                self.o.p.count.eq(Mux(finishes, rest, BEAT)),
                self.o.p.last.eq(item.last & finishes),
            ]
            with m.If(self.i.valid):
                m.d.sync += done.eq(Mux(finishes, 0, done + BEAT))
        return m


class BytePacker(wiring.Component):
    """Beats in, ``word_width``-bit words out, the first byte in the most significant.

    A beat completes at most one word; a stream's last beat may complete one and leave a
    padded one, which comes a cycle later while the input waits.

    Members
    -------
    i : In(stream.Signature(beat_layout()))
    o : Out(stream.Signature(word_layout(word_width)))
        Words; ``last`` on a stream's final word, zero-padded.
    """

    def __init__(self, word_width=32):
        check_word_width(word_width)
        self._word_width = word_width
        super().__init__({
            "i": In(stream.Signature(beat_layout())),
            "o": Out(stream.Signature(word_layout(word_width))),
        })

    def elaborate(self, platform):
        m = Module()
        word_bytes = self._word_width // 8
        pending = Signal(8 * (word_bytes - 1))  # the bytes of an unfinished word, MSB first
        held = Signal(range(word_bytes))
        spill = Signal()  # a stream's final padded word waits in `pending`

        # The pending bytes, then the beat's first `count` bytes, then zeros, MSB first.
        beat = self.i.p
        beat_bits = 8 * BEAT
        merged_bits = 8 * (word_bytes - 1) + beat_bits
        mask = Signal(beat_bits)
        m.d.comb += mask.eq(~(Const((1 << beat_bits) - 1, beat_bits) >> (beat.count << 3)))
        placed = Cat(Const(0, 8 * (word_bytes - 1)), beat.bytes & mask) >> (held << 3)
        merged = Signal(merged_bits)
        m.d.comb += merged.eq(Cat(Const(0, beat_bits), pending) | placed)
        total = Signal(range(word_bytes + BEAT))
        m.d.comb += total.eq(held + beat.count)
        completes = total >= word_bytes
        first = merged[8 * (BEAT - 1):]  # the word the bytes start
        after = Cat(Const(0, 8 * (word_bytes - BEAT)), merged[:8 * (BEAT - 1)])  # the next

        enable = Signal()
        m.d.comb += [
            enable.eq(~self.o.valid | self.o.ready),
            self.i.ready.eq(enable & ~spill),
        ]
        take = self.i.valid & self.i.ready
        with m.If(enable):
            m.d.sync += self.o.valid.eq(spill | (take & (completes | beat.last)))
        with m.If(enable & spill):
            m.d.sync += [
                self.o.p.word.eq(Cat(Const(0, 8), pending)),
                self.o.p.last.eq(1),
                spill.eq(0), pending.eq(0), held.eq(0),
            ]
        with m.Elif(take):
            remaining = Mux(completes, total - word_bytes, total)
            m.d.sync += [
                self.o.p.word.eq(first),
                self.o.p.last.eq(beat.last & ~(completes & (remaining != 0))),
                pending.eq(Mux(completes, after, first[8:])),
                held.eq(remaining),
            ]
            with m.If(beat.last):
                with m.If(completes & (remaining != 0)):
                    m.d.sync += spill.eq(1)
                with m.Else():
                    m.d.sync += [pending.eq(0), held.eq(0)]
        return m
