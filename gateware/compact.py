"""The one-channel encoder for an ASIC: a whole sample a clock, with no pipeline.

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
``history``        :attr:`golden.predictor.Predictor.history`              3 W
``averages``       :attr:`golden.predictor.Predictor.averages`             2 (W + 8)
``weights``        :attr:`golden.predictor.Predictor.weights`              4 x 14
``total, count``   :attr:`golden.rice.RiceAdapter.total`, ``.count``       W + 8, 8
``partial, fill``  :class:`golden.bits.BitWriter`'s unfinished word        ww - 1, log2 ww
``o``              the word on the output, and one more at a stream's end  2 (ww + 1)
=================  =====================================================  =============

One clock takes a sample through everything :func:`golden.core.encode_stream` does for it::

    prediction = predict(history, averages, weights)            # four multiplies
    error      = reduce(sample - prediction);  u = zigzag(error)
    codeword   = rice(u, k(total, count))                        # at most 16 + W bits
    partial    = partial << length | codeword                    # a word out when full
    state      = update(state, sample, prediction, error)

The codeword is at most ``16 + W`` bits, no longer than a word, so a sample completes at most
one word; the last sample of a stream may complete two (its own, then the padded rest),
and the second waits in a register for a clock, in which no sample is taken. A stream's
last sample resets the state, so the next sample starts a fresh stream.
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal, signed
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from golden import predictor as gp
from golden import rice as gr

from .packer import word_layout
from .parameters import check_width, check_word_width
from .predictor import sample_layout

__all__ = ["CompactEncoder", "state_bits"]

#: Width of ``total`` (``A``): it sums at most ``RESET - 1`` magnitudes of up to
#: ``2**(W-1)`` onto at most half the last sum, so below ``RESET * 2**(W-1) * 2``.
TOTAL_EXTRA_BITS = (gr.RESET - 1).bit_length() + 1
COUNT_BITS = (gr.RESET - 1).bit_length()


def state_bits(width, word_width):
    """Flip-flops of :class:`CompactEncoder`: its state, its word register and its flags."""
    predictor = (gp.TAPS + 1) * width + len(gp.AVERAGE_SHIFTS) * (width + gp.AVERAGE_FRAC) \
        + gp.FEATURES * gp.WEIGHT_BITS
    adapter = width + TOTAL_EXTRA_BITS + COUNT_BITS
    packer = word_width - 1 + (word_width - 1).bit_length()
    return predictor + adapter + packer + 2 * (word_width + 1) + 2


class CompactEncoder(wiring.Component):
    """One channel: samples in, :func:`golden.core.encode_stream`'s words out, a sample a clock.

    The ports are :class:`~gateware.encoder.Encoder`'s, with one channel and the Rice back
    end, lossless. A sample is taken whenever the word register is free or being taken,
    except in the clock after a stream's last sample completed two words.

    Parameters
    ----------
    width : int
        Sample width ``W``, 1 to 16.
    word_width : int
        Bits a word: 8, 16, ... 64, and at least ``16 + W``.
    """

    def __init__(self, width=10, word_width=32):
        check_width(width)
        check_word_width(word_width, width)
        self.width = width
        self.word_width = word_width
        super().__init__({
            "i": In(stream.Signature(sample_layout(width))),
            "o": Out(stream.Signature(word_layout(word_width))),
        })

    def elaborate(self, platform):
        m = Module()
        w, ww = self.width, self.word_width
        top = (1 << w) - 1
        mid = 1 << (w - 1)

        # The state, at its golden reset values (a stream's last sample restores them).
        history = [Signal(w, name=f"history{i}", init=mid) for i in range(gp.TAPS + 1)]
        averages = [Signal(w + gp.AVERAGE_FRAC, name=f"average{i}", init=mid << gp.AVERAGE_FRAC)
                    for i in range(len(gp.AVERAGE_SHIFTS))]
        weights = [Signal(signed(gp.WEIGHT_BITS), name=f"weight{i}")
                   for i in range(gp.FEATURES)]
        total = Signal(w + TOTAL_EXTRA_BITS, init=gr.initial_magnitude_sum(w))
        count = Signal(COUNT_BITS, init=1)
        partial = Signal(ww - 1)  # the unfinished word's bits, the last in the lowest
        fill = Signal(range(ww))
        spill = Signal(ww)  # a stream's final word, after the word its last sample completed
        spilling = Signal()

        take = Signal()
        free = ~self.o.valid | self.o.ready
        m.d.comb += [self.i.ready.eq(free & ~spilling), take.eq(self.i.valid & self.i.ready)]
        sample = self.i.p.sample

        # Predict (golden.predictor.Predictor.predict).
        features = [history[i] - history[i + 1] for i in range(gp.TAPS)] + \
                   [(a >> gp.AVERAGE_FRAC) - history[0] for a in averages]
        products = [Signal(signed(gp.WEIGHT_BITS + w + 2), name=f"product{i}")
                    for i in range(gp.FEATURES)]
        for product, weight, feature in zip(products, weights, features):
            m.d.comb += product.eq(weight * feature)
        acc = Signal(signed(gp.WEIGHT_BITS + w + 4))
        m.d.comb += acc.eq(sum(products))
        correction = (acc + (1 << (gp.WEIGHT_FRAC - 1))) >> gp.WEIGHT_FRAC
        unclamped = Signal(signed(w + gp.WEIGHT_BITS + 5))
        m.d.comb += unclamped.eq(history[0] + correction)
        prediction = Signal(w)
        m.d.comb += prediction.eq(Mux(unclamped < 0, 0, Mux(unclamped > top, top, unclamped)))

        # The residual, reduced and zigzagged (golden.rice.reduce, zigzag).
        difference = Signal(signed(w + 1))
        m.d.comb += difference.eq(sample - prediction)
        error = Signal(signed(w))
        m.d.comb += error.eq(difference[:w])  # modulo 2**W, read as signed
        u = Signal(w)
        m.d.comb += u.eq(Mux(error >= 0, error << 1, ((-error) << 1) - 1))

        # k: the least k with count << k >= total, at most W - 1 (golden.rice.rice_k); the
        # comparisons hold from some j on, so k is the count of those that fail.
        k = Signal(range(w))
        m.d.comb += k.eq(sum(((count << j) < total) for j in range(w - 1)))

        # The codeword (golden.rice.codeword).
        longest = gr.max_codeword_bits(w)
        quotient = u >> k
        escape = quotient >= gr.ESCAPE_ZEROS
        value = Signal(longest)
        length = Signal(range(longest + 1))
        low = u & ((Const(1, w + 1) << k) - 1)
        m.d.comb += [
            value.eq(Mux(escape, u, (Const(1, longest) << k) | low)),
            length.eq(Mux(escape, longest, quotient + 1 + k)),
        ]

        # Pack (golden.bits.BitWriter): the unfinished word and the codeword, joined.
        joined = Signal(ww - 1 + longest)
        m.d.comb += joined.eq((partial << length) | value)
        end = Signal(range(ww + longest))
        m.d.comb += end.eq(fill + length)
        full = end >= ww
        rest = Signal(range(ww + longest))
        m.d.comb += rest.eq(Mux(full, end - ww, end))
        word = Signal(ww)
        m.d.comb += word.eq(joined >> rest)  # the bits above the rest, when full
        remainder = Signal(ww - 1)
        m.d.comb += remainder.eq(joined & ((Const(1, ww + longest) << rest) - 1))
        pad = Signal(range(ww + 1))
        m.d.comb += pad.eq(ww - rest)
        padded = Signal(ww)  # the rest, padded to a word (BitWriter.flush)
        m.d.comb += padded.eq(remainder << pad)
        last = self.i.p.last

        with m.If(self.o.valid & self.o.ready):
            m.d.sync += self.o.valid.eq(0)
        with m.If(spilling & free):
            m.d.sync += [self.o.p.word.eq(spill), self.o.p.last.eq(1), self.o.valid.eq(1),
                         spilling.eq(0)]
        with m.If(take):
            with m.If(full):
                m.d.sync += [self.o.p.word.eq(word), self.o.p.last.eq(last & (rest == 0)),
                             self.o.valid.eq(1)]
                with m.If(last & (rest != 0)):
                    m.d.sync += [spill.eq(padded), spilling.eq(1)]
            with m.Elif(last):
                m.d.sync += [self.o.p.word.eq(padded), self.o.p.last.eq(1), self.o.valid.eq(1)]
            with m.If(last):
                for signal in history + averages + weights + [total, count, partial, fill]:
                    m.d.sync += signal.eq(signal.init)
            with m.Else():
                m.d.sync += [partial.eq(remainder), fill.eq(rest)]
                self._update(m, sample, prediction, error, features, history, averages,
                             weights, total, count)
        return m

    @staticmethod
    def _update(m, sample, prediction, error, features, history, averages, weights, total,
                count):
        """Predictor.update and RiceAdapter.update, on a sample taken within a stream."""
        ahead = sample > prediction
        behind = sample < prediction
        for weight, feature in zip(weights, features):
            up = Signal()
            down = Signal()
            m.d.comb += [up.eq((ahead & (feature > 0)) | (behind & (feature < 0))),
                         down.eq((ahead & (feature < 0)) | (behind & (feature > 0)))]
            with m.If(up):
                m.d.sync += weight.eq(Mux(weight > gp.WEIGHT_MAX - gp.STEP, gp.WEIGHT_MAX,
                                          weight + gp.STEP))
            with m.Elif(down):
                m.d.sync += weight.eq(Mux(weight < gp.WEIGHT_MIN + gp.STEP, gp.WEIGHT_MIN,
                                          weight - gp.STEP))
        m.d.sync += [history[0].eq(sample)] + \
                    [history[i + 1].eq(history[i]) for i in range(len(history) - 1)]
        for average, shift in zip(averages, gp.AVERAGE_SHIFTS):
            step = Signal(signed(len(average) + 1), name=f"{average.name}_step")
            m.d.comb += step.eq(((sample << gp.AVERAGE_FRAC) - average) >> shift)
            m.d.sync += average.eq(average + step)
        magnitude = Mux(error < 0, -error, error)
        grown = total + magnitude
        with m.If(count == gr.RESET - 1):
            m.d.sync += [total.eq((grown + 1) >> 1), count.eq(gr.RESET >> 1)]
        with m.Else():
            m.d.sync += [total.eq(grown), count.eq(count + 1)]
