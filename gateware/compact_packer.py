"""The compact Rice encoder's packer: a codeword a clock written into the word in place.

:class:`golden.bits.BitWriter` for :class:`~gateware.compact.CompactEncoder`, a clock
after the codeword: the codeword register between them keeps the glitches of the
arithmetic out of the packer's shifters. Where the codeword will end in the word is found
as it is registered, from the fill it will meet, so that the shifters start from
flip-flops alone.

The packer writes each codeword into the word where its bits go (one shifter places it in
a window of the word and a codeword's length below it) rather than shifting the unfinished
word to make room and cutting the word out of the result (three shifters), so the word's
flip-flops change only where bits arrive (docs/ASIC.md).

The codeword is at most ``16 + W`` bits, no longer than a word, so a codeword completes at
most one word; a stream's last may complete two (its own, then the padded rest), and the
second waits in a register for a clock, in which no codeword is packed.

This is a helper that adds its logic to the encoder's module, not a component of its own:
the encoder's Verilog keeps one module for all of it.
"""

from amaranth.hdl import Mux, Signal

__all__ = ["CompactPacker"]


class CompactPacker:
    """The codeword register and the word it is packed into, on the output stream ``o``.

    Parameters
    ----------
    m : Module
        The encoder's module.
    o : stream.Interface
        The encoder's output, of :func:`gateware.packer.word_layout` ``(word_width)``.
    word_width : int
        Bits a word.
    longest : int
        Bits of the longest codeword, at most ``word_width``.

    Members
    -------
    coded : Signal
        The codeword register holds a codeword.
    pack : Signal
        The codeword goes into the word this clock; the register may take another.
    """

    def __init__(self, m, o, word_width, longest):
        self.o, self.word_width, self.longest = o, word_width, longest
        self.coded = coded = Signal()
        self.coded_value = Signal(longest)
        self.coded_length = Signal(range(longest + 1))
        self.coded_last = Signal()
        self.free = free = ~o.valid | o.ready
        self.spilling = spilling = Signal()  # a stream's final word waits for the one before
        self.pack = pack = Signal()
        m.d.comb += pack.eq(coded & free & ~spilling)
        self.fill = Signal(range(word_width))  # the unfinished word's bits
        # Where the registered codeword ends: past a full word or not, by how many bits,
        # and the shift that puts it there, in a window of the word and a codeword's
        # length below it.
        self.coded_full = Signal()
        self.coded_rest = Signal(range(word_width))
        self.window = word_width + longest
        self.coded_shift = Signal(range(self.window + 1))

    def load(self, m, take, value, length, last):
        """Take the codeword ``value`` of ``length`` bits into the register when ``take``,
        with where it will end in the word (``last``: it ends a stream)."""
        ww = self.word_width
        # found from the fill it will meet (this clock's packing done)
        meets = Mux(self.pack, Mux(self.coded_last, 0, self.coded_rest), self.fill)
        end = Signal(range(ww + self.longest))
        m.d.comb += end.eq(meets + length)
        with m.If(take):
            m.d.sync += [self.coded.eq(1), self.coded_value.eq(value),
                         self.coded_length.eq(length), self.coded_last.eq(last),
                         self.coded_full.eq(end >= ww),
                         self.coded_rest.eq(Mux(end >= ww, end - ww, end)),
                         # its first bit after the word's ``meets`` bits
                         self.coded_shift.eq(self.window - end)]
        with m.Elif(self.pack):
            m.d.sync += self.coded.eq(0)

    def pack_word(self, m):
        """Pack the registered codeword (:meth:`golden.bits.BitWriter.write`) and send the
        words it completes.

        The codeword is written into the word where its bits go, not the word shifted to
        make room, so that the unfinished word's flip-flops change only where bits arrive.
        The word is kept from its first bit down (the unfinished word's free bits zero, so
        it is its own padding at a stream's end); the codeword placed in a window of the
        word and a codeword's length below it, whose lower part, past a full word, starts
        the next.
        """
        ww, longest, o = self.word_width, self.longest, self.o
        pack, free, spilling = self.pack, self.free, self.spilling
        value, last = self.coded_value, self.coded_last
        full, rest = self.coded_full, self.coded_rest
        partial = Signal(ww)  # the unfinished word, its first bit the highest
        spill = Signal(ww)
        placed = Signal(self.window)
        m.d.comb += placed.eq(value << self.coded_shift)
        word = Signal(ww)
        m.d.comb += word.eq(partial | placed[longest:])
        following = Signal(ww)  # past a full word: the next word's first bits
        m.d.comb += following.eq(placed[:longest] << (ww - longest))
        padded = Signal(ww)  # the rest of a stream's last word, padded (BitWriter.flush)
        m.d.comb += padded.eq(Mux(full, following, word))

        with m.If(o.valid & o.ready):
            m.d.sync += o.valid.eq(0)
        with m.If(spilling & free):
            m.d.sync += [o.p.word.eq(spill), o.p.last.eq(1), o.valid.eq(1), spilling.eq(0)]
        with m.If(pack):
            with m.If(full):
                m.d.sync += [o.p.word.eq(word), o.p.last.eq(last & (rest == 0)),
                             o.valid.eq(1)]
                with m.If(last & (rest != 0)):
                    m.d.sync += [spill.eq(padded), spilling.eq(1)]
            with m.Elif(last):
                m.d.sync += [o.p.word.eq(padded), o.p.last.eq(1), o.valid.eq(1)]
            m.d.sync += [partial.eq(Mux(last, 0, Mux(full, following, word))),
                         self.fill.eq(Mux(last, 0, rest))]
