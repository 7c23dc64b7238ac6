"""Bit packer: codewords MSB first into words, as :class:`golden.bits.BitWriter` does.

The packer keeps the bits not yet emitted left-aligned in a buffer of two words, zero below
its fill. A codeword is ORed in below the fill with one shifter, and the first word of the
result, when complete, goes to the output register; so a word never waits for more than
the codeword that completes it, and with words at least as wide as the longest codeword
(``check_word_width``), one word a clock carries away anything one codeword a clock brings.

The end of a stream (``BitWriter.flush``) pads the fill to the next word boundary, which
costs no cycle: the padding is the zeros already below the fill, and the next stream's bits
start on a fresh word. A flag per buffered word marks those that end a stream.

Buffer bound: the output register holds one word and the buffer ``2 * word_width`` bits.
The input is refused only when the output register is full and not being taken, and the
buffer could not take a longest codeword; without backpressure the fill stays at most one
word and the input is never refused.
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from golden.rice import max_codeword_bits

from .parameters import check_width, check_word_width
from .rice import codeword_layout

__all__ = ["BitPacker", "word_layout"]


def word_layout(word_width):
    """A packed word, and whether it is the last of its stream."""
    return data.StructLayout({"word": word_width, "last": 1})


class BitPacker(wiring.Component):
    """Pack codewords, most significant bit first, into ``word_width``-bit words.

    Latency 1 cycle: a word is on ``o`` the cycle after the codeword that completes it is
    taken; when the last codeword of a stream spills into a second word, that word follows
    a cycle later. Throughput one codeword a clock.

    Parameters
    ----------
    width : int
        Sample width ``W``; codewords are :func:`~gateware.rice.codeword_layout` ``(W)``.
    word_width : int
        Bits a word, at least :func:`golden.rice.max_codeword_bits` ``(W)``.

    Members
    -------
    i : In(stream.Signature(codeword_layout(width)))
        Codewords: the ``length`` low bits of ``bits``; ``last`` ends a stream.
    o : Out(stream.Signature(word_layout(word_width)))
        Words; ``last`` on the final, zero-padded, word of a stream.

    Attributes
    ----------
    capacity : int
        Bits the buffer holds, besides the output register: two words.
    fill : Signal(range(capacity + 1))
        Bits in the buffer, for observation.
    """

    def __init__(self, width, word_width=32):
        check_width(width)
        check_word_width(word_width, width)
        self._width = width
        self._word_width = word_width
        super().__init__({
            "i": In(stream.Signature(codeword_layout(width))),
            "o": Out(stream.Signature(word_layout(word_width))),
        })
        self.capacity = 2 * word_width
        self.fill = Signal(range(self.capacity + 1))

    def elaborate(self, platform):
        m = Module()
        word = self._word_width
        capacity = self.capacity
        longest = max_codeword_bits(self._width)
        span = capacity + word  # the buffer and a codeword fit in it

        buffer = Signal(capacity)
        fill = self.fill
        ends = Signal(2)  # ends[j]: the buffer's word j ends a stream

        output_free = ~self.o.valid | self.o.ready
        m.d.comb += self.i.ready.eq(output_free | (fill <= capacity - longest))
        take = self.i.valid & self.i.ready
        length = Mux(take, self.i.p.length, 0)
        # the `length` low bits of `bits`
        bits = Cat(bit & (length > j) for j, bit in enumerate(self.i.p.bits))

        # write()
        filled = Signal(range(span + 1))
        free = Signal(range(span + 1))  # the bits below the codeword
        joined = Signal(span)
        m.d.comb += [
            filled.eq(fill + length),
            free.eq(span - filled),
            joined.eq(Cat(Const(0, word), buffer) | (bits << free)),
        ]

        # flush(): pad to the word boundary, and mark the word that ends there
        padded = Signal(range(span + 1))
        ending = Signal(3)
        m.d.comb += [padded.eq(filled), ending.eq(ends)]
        with m.If(take & self.i.p.last):
            for slot in reversed(range(span // word)):
                with m.If(filled <= (slot + 1) * word):
                    m.d.comb += [
                        padded.eq((slot + 1) * word),
                        ending.eq(ends | (1 << slot)),
                    ]

        emit = output_free & (padded >= word)
        with m.If(output_free):
            m.d.sync += self.o.valid.eq(emit)
        with m.If(emit):
            m.d.sync += [
                self.o.p.word.eq(joined[-word:]),
                self.o.p.last.eq(ending[0]),
                buffer.eq(joined[:capacity]),
                fill.eq(padded - word),
                ends.eq(ending[1:]),
            ]
        with m.Else():
            m.d.sync += [
                buffer.eq(joined[-capacity:]),
                fill.eq(padded),
                ends.eq(ending[:2]),
            ]
        return m
