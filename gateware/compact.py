"""The encoder for an ASIC: a whole sample a clock, with no pipeline.

:class:`~gateware.encoder.Encoder` is built for the FPGA: short stages that reach 60 MHz,
about 2000 flip-flops, and a channel that takes a sample every
:data:`~gateware.predictor.WEIGHT_SPAN` clocks. A single channel on an ASIC needs 19,531
samples a second, and every flip-flop costs its clock pin's energy each clock (about 41 fJ
in SKY130's ``dfrtp_1``, more than the logic it holds does), so here the clock runs at the
sample rate and the only flip-flops are the state that :func:`golden.core.encode_stream`
keeps from one sample to the next:

=================  =====================================================  =============
state              golden model                                            bits (W = 10)
=================  =====================================================  =============
``last``           ``history[0]``, :attr:`golden.predictor.Predictor`      W
``features``       :meth:`golden.predictor.Predictor.features`, sign and   4 (1 + W)
                   magnitude (they replace ``history[1:]``)
``averages``       :attr:`golden.predictor.Predictor.averages`             2 (W + 8)
``weights``        :attr:`golden.predictor.Predictor.weights`              4 x 14
``total, count``   :attr:`golden.rice.RiceAdapter.total`, ``.count``       W + 8, 8
``partial, fill``  :class:`golden.bits.BitWriter`'s unfinished word        ww, log2 ww
codeword           a sample's codeword on its way to the packer, and its   W + 16, 5, 2,
                   place in the word                                       log2 ww + 1
held               the prediction and the sample, at the falling edge      2 W
``o``              the word on the output, and one more at a stream's end  2 (ww + 1)
=================  =====================================================  =============

With more channels, the state of every channel but ``count`` lives in a memory of a row a
channel, with flip-flops on both sides of it (:mod:`gateware.compact_front`).

One clock takes a sample through everything :func:`golden.core.encode_stream` does for it
but the packing, which the next clock does::

    prediction = predict(last, features, averages, weights)     # a carry-save tree
    ---------- the falling edge: the prediction and the sample held
    error      = reduce(sample - prediction);  u = zigzag(error)
    codeword   = rice(u, k(total, count))                        # at most 16 + W bits
    state      = update(state, sample, prediction, error)        # the next features too
    ---------- the rising edge: the state, the codeword register
    word       = word | codeword placed after its bits           # a word out when full

Each register between the steps stops the glitches of the logic before it, which without
them were three quarters of the power; at the sample rate a flip-flop costs about 1 nW.
docs/ASIC.md measures each step (``neurorice asic --channels 1 --compact``).

The falling edge halves the time the prediction has. The sample must be on the input for
the whole clock that takes it, as a register's output is: the next features and averages
take it from there, so that they settle once a clock (with the state), not a second time
when the held sample changes.

The codeword goes into the word in place (:mod:`gateware.compact_packer`). A stream's last
sample may complete two words, and the second waits in a register for a clock, in which no
sample is taken. A stream's last sample resets the state, so the next sample starts a
fresh stream.
"""

from amaranth.hdl import ClockDomain, ClockSignal, Const, Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from golden import adc
from golden import order as code_order
from golden import rice as gr

from .code_order import ranked
from .compact_front import ChannelState, predict, residual, rice_k, state_layout
from .compact_packer import CompactPacker
from .packer import word_layout
from .parameters import check_channels, check_width, check_word_width
from .predictor import sample_layout

__all__ = ["CompactEncoder", "state_layout"]


def rice_codeword(m, width, error, count, total):
    """The Rice codeword of the residual ``error`` (:func:`golden.rice.zigzag`,
    :func:`golden.rice.rice_k`, :func:`golden.rice.codeword`): its ``value`` and ``length``,
    at most :func:`golden.rice.max_codeword_bits` bits."""
    longest = gr.max_codeword_bits(width)
    u = Signal(width)
    m.d.comb += u.eq(Mux(error >= 0, error << 1, ((-error) << 1) - 1))
    k = Signal(range(width))
    m.d.comb += k.eq(rice_k(width, count, total))
    quotient = u >> k
    escape = quotient >= gr.ESCAPE_ZEROS
    value = Signal(longest)
    length = Signal(range(longest + 1))
    low = u & ((Const(1, width + 1) << k) - 1)
    m.d.comb += [
        value.eq(Mux(escape, u, (Const(1, longest) << k) | low)),
        length.eq(Mux(escape, longest, quotient + 1 + k)),
    ]
    return value, length


class CompactEncoder(wiring.Component):
    """Samples in, :func:`golden.core.encode_stream`'s words out, a sample a clock.

    The ports are :class:`~gateware.encoder.Encoder`'s, with the Rice back end, lossless.
    A sample is taken whenever the word register is free or being taken, except in the
    clock after a stream's last sample completed two words.

    Parameters
    ----------
    width : int
        Sample width ``W``, 1 to 16.
    channels : int
        Channels interleaved round-robin, 1 to 65535; their state in a memory with more
        than one.
    word_width : int
        Bits a word: 8, 16, ... 64, and at least ``16 + W``.
    table : golden.adc.AdcTable or None
        The ADC's code widths, whose missing codes are coded last
        (:mod:`gateware.code_order`); by default :func:`golden.adc.default` of ``width``.
    """

    def __init__(self, width=10, channels=1, word_width=32, table=None):
        check_width(width)
        check_word_width(word_width, width)
        check_channels(channels)
        table = adc.default(width) if table is None else table
        table.check(width)
        self.order = code_order.for_stream("rice", 0, table, width)
        self.width = width
        self.word_width = word_width
        self.channels = channels
        super().__init__({
            "i": In(stream.Signature(sample_layout(width))),
            "o": Out(stream.Signature(word_layout(word_width))),
        })

    def elaborate(self, platform):
        m = Module()
        w = self.width
        last = self.i.p.last

        take = Signal()
        # No sample is taken at the first clock out of reset: its half clock before is not
        # known to have held the sample (see the falling edge below).
        started = Signal()
        m.d.sync += started.eq(1)
        # Two steps a clock apart: the sample to its codeword (and the state's successor),
        # then the codeword into the word.
        packer = CompactPacker(m, self.o, self.word_width, gr.max_codeword_bits(w))
        m.d.comb += [self.i.ready.eq(started & (~packer.coded | packer.pack)),
                     take.eq(self.i.valid & self.i.ready)]

        channel = ChannelState(m, w, self.channels, take, last)
        _acc, predicted = predict(m, w, channel.state)
        arriving = ranked(m, self.i.p.sample, self.order)
        prediction, sample = self._hold(m, predicted, arriving)
        error = residual(m, w, sample, prediction)
        value, length = rice_codeword(m, w, error, channel.count, channel.state.total)
        channel.update(m, sample, prediction, arriving, error)
        channel.advance_count(m, take, last)

        packer.load(m, take, value, length, last)
        packer.pack_word(m)
        return m

    def _hold(self, m, predicted, arriving):
        """The prediction and the sample, held at the clock's falling edge.

        The weighted sum's glitches and the sample's arrival end there, and what follows
        (the residual, the codeword, the weights' update) sees each of them change once.
        """
        m.domains.fall = ClockDomain("fall", clk_edge="neg", reset_less=True, local=True)
        m.d.comb += ClockSignal("fall").eq(ClockSignal())
        prediction = Signal(self.width)
        sample = Signal(self.width)
        m.d.fall += [prediction.eq(predicted), sample.eq(arriving)]
        return prediction, sample
