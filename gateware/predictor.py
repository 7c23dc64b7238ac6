"""Predictor: the sign-sign LMS of :mod:`golden.predictor`, one sample a clock.

The prediction, the residual and the state update of a sample are computed in the one cycle
the sample spends in the stage, so a channel's next sample, even on the next clock, sees the
updated state. The state of every channel comes from a :class:`~gateware.state.ChannelState`.
"""

from amaranth.hdl import Module, Mux, Signal, signed
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from golden import predictor as model
from golden.predictor import AVERAGE_FRAC, AVERAGE_SHIFTS, STEP, WEIGHT_BITS, WEIGHT_FRAC

from .parameters import check_channels, check_width
from .state import ChannelState, stateful_stage

__all__ = ["Predictor", "residual_layout", "sample_layout", "state_layout"]


def sample_layout(width):
    """A sample, and whether it ends its stream."""
    return data.StructLayout({"sample": width, "last": 1})


def residual_layout(width):
    """A residual reduced modulo ``2**width``, and whether its sample ends its stream."""
    return data.StructLayout({"error": signed(width), "last": 1})


def state_layout(width):
    """The state of one channel: :class:`golden.predictor.Predictor`'s members."""
    return data.StructLayout({
        "history": data.ArrayLayout(width, model.TAPS + 1),
        "averages": data.ArrayLayout(width + AVERAGE_FRAC, len(AVERAGE_SHIFTS)),
        "weights": data.ArrayLayout(signed(WEIGHT_BITS), model.FEATURES),
    })


def sign(value):
    """-1, 0 or 1, as ``(negative, positive)``."""
    return value < 0, value > 0


def clamp(value, low, high):
    """``value`` limited to ``low..high``."""
    return Mux(value < low, low, Mux(value > high, high, value))


class Predictor(wiring.Component):
    """Predict each sample from its channel's past; the residual, reduced modulo ``2**width``.

    Latency 1 cycle (the residual is on ``o`` the cycle after the sample is taken);
    throughput one sample a clock.

    Parameters
    ----------
    width : int
        Sample width ``W`` in bits.
    channels : int
        Number of round-robin interleaved channels.
    spram_bits, spram_instance
        Where the channels' state lives: see :class:`~gateware.state.ChannelState`.

    Members
    -------
    i : In(stream.Signature(sample_layout(width)))
        Samples; ``last`` on the final sample of a stream restarts every channel.
    o : Out(stream.Signature(residual_layout(width)))
        ``error = reduce(sample - predict(), W)``, with the sample's ``last``.
    """

    def __init__(self, width, channels=1, *, spram_bits=0, spram_instance=False):
        check_width(width)
        check_channels(channels)
        self._width = width
        self._channels = channels
        self._spram = {"spram_bits": spram_bits, "spram_instance": spram_instance}
        super().__init__({
            "i": In(stream.Signature(sample_layout(width))),
            "o": Out(stream.Signature(residual_layout(width))),
        })

    def elaborate(self, platform):
        m = Module()
        width = self._width
        reset = model.Predictor(width)
        m.submodules.state = state = ChannelState(
            state_layout(width),
            {"history": reset.history, "averages": reset.averages, "weights": reset.weights},
            self._channels, **self._spram,
        )

        sample = Signal(width)
        stateful_stage(m, self.i, self.o, state, [(sample, self.i.p.sample)])

        # predict()
        history, averages, weights = state.state.history, state.state.averages, state.state.weights
        features = [history[i] - history[i + 1] for i in range(model.TAPS)]
        features += [(average >> AVERAGE_FRAC) - history[0] for average in averages]
        acc = sum(weight * feature for weight, feature in zip(weights, features))
        correction = (acc + (1 << (WEIGHT_FRAC - 1))) >> WEIGHT_FRAC
        prediction = Signal(width)
        m.d.comb += prediction.eq(clamp(history[0] + correction, 0, (1 << width) - 1))

        difference = Signal(signed(width + 1))
        m.d.comb += [
            difference.eq(sample - prediction),
            self.o.p.error.eq(difference[:width].as_signed()),  # reduce()
        ]

        # update()
        update = state.update
        below, above = sign(difference)
        for i, feature in enumerate(features):
            negative, positive = sign(feature)
            up = (above & positive) | (below & negative)
            down = (above & negative) | (below & positive)
            step = Mux(up, STEP, Mux(down, -STEP, 0))
            m.d.comb += update.weights[i].eq(
                clamp(weights[i] + step, model.WEIGHT_MIN, model.WEIGHT_MAX))
        m.d.comb += [
            update.history[0].eq(sample),
            *(update.history[i + 1].eq(history[i]) for i in range(model.TAPS)),
        ]
        for i, shift in enumerate(AVERAGE_SHIFTS):
            average = averages[i]
            m.d.comb += update.averages[i].eq(
                average + (((sample << AVERAGE_FRAC) - average) >> shift))
        return m
