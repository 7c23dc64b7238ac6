"""Adaptive Golomb-Rice coder: the codewords of :mod:`golden.rice`, one a clock.

The Rice parameter ``k`` of a residual comes from its channel's ``A`` and ``N`` only, and the
update of ``A`` and ``N`` takes the residual's magnitude, so the stage computes ``k``, the
codeword and the new state in the one cycle the residual spends in it. The state of every
channel comes from a :class:`~gateware.state.ChannelState`.
"""

from amaranth.hdl import Const, Module, Mux, Signal, signed
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from golden import rice as model
from golden.rice import ESCAPE_ZEROS, RESET

from .parameters import check_channels, check_width
from .predictor import residual_layout
from .state import ChannelState, stateful_stage

__all__ = ["RiceCoder", "codeword_layout", "max_total", "state_layout"]


def max_total(width):
    """The largest ``A`` a channel reaches: every residual of the largest magnitude, until
    the state repeats (``A`` grows with every magnitude, and ``N`` ignores them)."""
    adapter = model.RiceAdapter(width)
    seen = set()
    largest = adapter.total
    while (adapter.total, adapter.count) not in seen:
        seen.add((adapter.total, adapter.count))
        adapter.update(-(1 << (width - 1)))
        largest = max(largest, adapter.total)
    return largest


def codeword_layout(width):
    """A codeword: its ``length`` low bits of ``bits``, the most significant first.

    Every codeword of ``width``-bit samples is a value of at most ``width`` bits after
    leading zeros, so ``bits`` is ``width`` bits wide.
    """
    return data.StructLayout({
        "bits": width,
        "length": range(model.max_codeword_bits(width) + 1),
        "last": 1,
    })


def state_layout(width):
    """The state of one channel: :class:`golden.rice.RiceAdapter`'s members."""
    return data.StructLayout({
        "total": range(max_total(width) + 1),
        "count": range(RESET),
    })


def zigzag(error, width):
    """Fold the sign of the ``width``-bit signed ``error`` into the low bit."""
    return ((error << 1) ^ error[-1].replicate(width))[:width]


class RiceCoder(wiring.Component):
    """The adaptive Golomb-Rice codeword of each residual.

    Latency 1 cycle (the codeword is on ``o`` the cycle after the residual is taken);
    throughput one residual a clock.

    Parameters
    ----------
    width : int
        Sample width ``W`` in bits; residuals are ``W``-bit signed.
    channels : int
        Number of round-robin interleaved channels.
    spram_bits, spram_instance
        Where the channels' state lives: see :class:`~gateware.state.ChannelState`.

    Members
    -------
    i : In(stream.Signature(residual_layout(width)))
        Residuals, reduced modulo ``2**W``; ``last`` restarts every channel.
    o : Out(stream.Signature(codeword_layout(width)))
        ``codeword(zigzag(error), k, W)``, with the residual's ``last``.
    """

    def __init__(self, width, channels=1, *, spram_bits=0, spram_instance=False):
        check_width(width)
        check_channels(channels)
        self._width = width
        self._channels = channels
        self._spram = {"spram_bits": spram_bits, "spram_instance": spram_instance}
        super().__init__({
            "i": In(stream.Signature(residual_layout(width))),
            "o": Out(stream.Signature(codeword_layout(width))),
        })

    def elaborate(self, platform):
        m = Module()
        width = self._width
        reset = model.RiceAdapter(width)
        m.submodules.state = state = ChannelState(
            state_layout(width), {"total": reset.total, "count": reset.count}, self._channels,
            **self._spram)

        error = Signal(signed(width))
        stateful_stage(m, self.i, self.o, state, [(error, self.i.p.error)])

        # rice_k(): the least k with N << k >= A, at most W - 1
        total, count = state.state.total, state.state.count
        k = Signal(range(width))
        m.d.comb += k.eq(width - 1)
        for candidate in reversed(range(width - 1)):
            with m.If((count << candidate) >= total):
                m.d.comb += k.eq(candidate)

        # codeword()
        value = Signal(width)
        m.d.comb += value.eq(zigzag(error, width))
        quotient = value >> k
        with m.If(quotient < ESCAPE_ZEROS):
            low = value & ((Const(1) << k) - 1)
            m.d.comb += [
                self.o.p.bits.eq((Const(1) << k) | low),
                self.o.p.length.eq(quotient + 1 + k),
            ]
        with m.Else():
            m.d.comb += [
                self.o.p.bits.eq(value),
                self.o.p.length.eq(ESCAPE_ZEROS + width),
            ]

        # RiceAdapter.update()
        magnitude = Mux(error < 0, -error, error)
        total_next = total + magnitude
        count_next = count + 1
        with m.If(count_next == RESET):
            m.d.comb += [
                state.update.total.eq((total_next + 1) >> 1),
                state.update.count.eq(count_next >> 1),
            ]
        with m.Else():
            m.d.comb += [
                state.update.total.eq(total_next),
                state.update.count.eq(count_next),
            ]
        return m
