"""Adaptive Golomb-Rice coder: the codewords of :mod:`golden.rice`, one a clock, pipelined.

A residual's Rice parameter ``k`` comes from its channel's ``A`` and ``N``, and its
magnitude updates ``A`` for the channel's next residual, which may come on the next clock.
That update is the only loop, of one stage, through a :class:`~gateware.state.ChannelState`
(the row is read as the residual enters stage 2 and written as it leaves); the rest is
stages without state, each about one carry chain or three levels of logic long::

    stage 0   u = zigzag(e) and |e|; counters: the round's N, epoch, and whether it halves A
    stage 1   |e| rotated by the epoch's low bits
    stage 2   |e| round the circle at the epoch; the channel's row and its update (the loop)
    stage 3   the row's bits and carries, rotated back by the epoch's low bits
    stage 4   the row's bits and carries, rotated back
    stage 5   A - 1, their sum
    stage 6   for each j < W - 1: N against the bits of (A - 1) >> j that N has, and
              whether (A - 1) >> j has any bit above them
    stage 7   k as a thermometer code: whether k > j, for each j
    stage 8   k, the quotient u >> k, the escape flag, the codeword's bits
    stage 9   the codeword (the output register)

``N`` needs no memory: every channel takes one residual a round, and all restart with a
stream, so ``N`` is a function of the round, kept in a counter. So is the halving of
``A``: it happens to every channel in the same round.

``A - 1`` is kept in a form whose update takes two or three levels of logic, not an
adder and a shift (:mod:`gateware.rice_row`). Stages 3 to 5 turn the row back into
``A - 1`` for ``k``.
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from golden import rice as model
from golden.rice import ESCAPE_ZEROS, RESET

from .parameters import check_channels, check_width
from .pipeline import Lockstep
from .predictor import residual_layout
from .rice_row import Row, circle
from .state import ChannelState

__all__ = ["LATENCY", "RiceCoder", "codeword_layout"]

#: Cycles from taking a residual to its codeword on ``o``: stages 0 to 9.
LATENCY = 10
#: The stage that holds the channel's state.
STATE_STAGE = 2

# quotient bits that a regular codeword (quotient below ESCAPE_ZEROS) needs
QUOTIENT_BITS = (ESCAPE_ZEROS - 1).bit_length()
assert ESCAPE_ZEROS == 1 << QUOTIENT_BITS, "the escape test reads u's bits from k + 4 up"


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


def zigzag(error, width):
    """Fold the sign of the ``width``-bit signed ``error`` into the low bit."""
    return ((error << 1) ^ error[-1].replicate(width))[:width]


def any_bit(value):
    """Whether any bit of ``value`` is set, as the carry out of ``value + 2**len - 1``: a
    carry chain. (The ORs of nested bit ranges would otherwise share their logic as one
    ripple of levels, the longest path of the stage.)"""
    if len(value) == 0:
        return Const(0)
    return (value.as_unsigned() + Const(-1, len(value)).as_unsigned())[len(value)]


def majority(a, b, c):
    """The carry out of a position that adds ``a``, ``b`` and ``c``."""
    return (a & b) | (a & c) | (b & c)


def rotate(value, amount, bits, *, left):
    """``value`` rotated by the part of ``amount`` in its bits ``bits`` (a range): a level
    of 2:1 multiplexers a bit."""
    for bit in bits:
        step = 1 << bit
        rotated = value.rotate_left(step) if left else value.rotate_right(step)
        value = Mux(amount[bit], rotated, value)
    return value


class RiceCoder(wiring.Component):
    """The adaptive Golomb-Rice codeword of each residual.

    Latency :data:`LATENCY` cycles (the codeword is on ``o`` that many cycles after the
    residual is taken); throughput one residual a clock, for any channel count.

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
        ``codeword(zigzag(error), k, W)``, with the residual's ``last``; with ``pairs``,
        ``Out(stream.Signature(gateware.arith.pair_layout(width)))``: ``zigzag(error)`` and
        ``k`` themselves, for the arithmetic back end.
    side : shape-like or None
        With ``pairs``: a field ``side`` of the residual that the pair carries along
        unchanged (:func:`gateware.predictor.side_layout`, for the ADC-aware back end).
    """

    def __init__(self, width, channels=1, *, spram_bits=0, spram_instance=False,
                 pairs=False, side=None):
        check_width(width)
        check_channels(channels)
        self._width = width
        self._channels = channels
        self._spram = {"spram_bits": spram_bits, "spram_instance": spram_instance}
        if side is not None and not pairs:
            raise ValueError("a side field goes with pairs, not codewords")
        self._pairs = pairs
        self._side = side
        if pairs:
            from .arith import pair_layout
            output = pair_layout(width, side)
        else:
            output = codeword_layout(width)
        super().__init__({
            "i": In(stream.Signature(residual_layout(width, side))),
            "o": Out(stream.Signature(output)),
        })

    def elaborate(self, platform):
        m = Module()
        width = self._width
        positions = circle(width)
        epoch_bits = (positions - 1).bit_length()
        pipe = Lockstep(m, self.i, self.o, LATENCY)
        # Every stage's registers, o.p too, load what the stage before holds on `enable`;
        # a bubble loads don't-cares, which its valid flag hides.
        sync = []

        def stage(name, value):
            register = Signal(value.shape(), name=name)
            sync.append(register.eq(value))
            return register

        def follow(registers, stages):
            """``registers`` and their copies in the next ``stages`` stages."""
            chain = [registers]
            for _ in range(stages):
                chain.append(stage(f"{registers.name}_{len(chain)}", chain[-1]))
            return chain

        # Stage 0 --------------------------------------------------------------------------
        error = self.i.p.error
        u = follow(stage("u", zigzag(error, width)), 7)
        last = follow(stage("last", self.i.p.last), LATENCY - 2)
        # the round of the residual in stage 0, in registers of its own
        count, epoch, halves = self._round(m, pipe, last[0])
        epoch = follow(epoch, 3)
        halves = follow(halves, 1)
        # -N, for the comparisons with N (an adder's operands go straight into the carry
        # chain; a subtrahend would go through a level of inverters first)
        minus_count = Signal.like(count, name="minus_count")
        m.d.comb += minus_count.eq(-count)
        minus_count = follow(minus_count, 5)
        # |e| <= 2**(W-1), W bits unsigned. If e < 0, |e| = ~(e - 1): one carry chain whose
        # operands are e and the sign, and whose sum logic also does the inversion.
        signs = error[-1].replicate(width)
        magnitude = stage("magnitude", (error.as_unsigned() + signs)[:width] ^ signs)

        # Stages 1 and 2: |e| placed round the circle at the epoch, the bit to clear if the
        # round halves A (its position: A - 1's least significant bit).
        middle = min(2, epoch_bits)
        spread = stage("spread", rotate(Cat(magnitude, Const(0, positions - width)),
                                        epoch[0], range(middle), left=True))
        addend = stage("addend", rotate(spread, epoch[1], range(middle, epoch_bits),
                                        left=True))
        clear = stage("clear", Cat(halves[1] & (epoch[1] == p) for p in range(positions)))

        # Stage 2: the loop ----------------------------------------------------------------
        # (one channel keeps its row in registers, and no SPRAM)
        layout = Row(width, self._spram["spram_bits"] if self._channels > 1 else 0)
        m.submodules.state = state = ChannelState(
            layout.layout, layout.init(model.RiceAdapter(width).total - 1), self._channels,
            **self._spram)
        m.d.comb += [
            state.take.eq(pipe.enters(STATE_STAGE)),
            state.take_last.eq(last[STATE_STAGE - 1]),
            state.leave.eq(pipe.leaves(STATE_STAGE)),
        ]
        self._update(m, layout, state, addend, clear)

        # Stages 3 to 5: A - 1 in binary, for k. Rotate the bits and the carries back,
        # then add them.
        row = state.state
        carries = [Const(0)] * positions
        for index, (position, _) in enumerate(layout.cells):
            carries[position] = layout.carry(row, index)
        bits = {"sum": Cat(layout.bit(row, p) for p in range(positions)),
                "carries": Cat(*carries)}
        for name, shifts, at in (("back", range(middle), epoch[2]),
                                 ("turned", range(middle, epoch_bits), epoch[3])):
            bits = {what: stage(f"{name}_{what}", rotate(value, at, shifts, left=False))
                    for what, value in bits.items()}
        total = stage("total", (bits["sum"] + bits["carries"])[:positions])  # A - 1

        # Stages 6 and 7: rice_k(): k > j when N << j < A, that is when (A - 1) >> j >= N.
        # The bits of (A - 1) >> j that N has: the carry out of their sum with -N, one carry
        # chain (-N is an addend, so that no level of inverters comes before the chain);
        # any bit above them makes the comparison true: a tree of ORs, in parallel. The two
        # make a level after a carry chain: a stage of their own.
        n = len(minus_count[5])
        above = []  # above[j]: k > j, for j < W - 1; k is capped at W - 1
        for j in range(width - 1):
            shifted = total[j:]
            low = stage(f"low_{j}", (Cat(shifted[:n], Const(0, 1)) + minus_count[5])[n])
            high = stage(f"high_{j}", any_bit(shifted[n:]))
            above.append(low | high)
        above = stage("above", Cat(*above))

        # Stage 8: k in binary, the quotient (u >> k, its low bits), the escape flag and a
        # regular codeword's bits, all from the thermometer code of k (the mask of the k
        # low bits, and with its edge, k one-hot).
        def is_above(j):  # k > j
            return Const(1) if j < 0 else above[j] if j < width - 1 else Const(0)

        def is_k(j):
            return is_above(j - 1) & ~is_above(j)

        value = u[7]
        k = stage("k", Cat(*(Cat(*(is_k(j) for j in range(width) if j >> b & 1)).any()
                            for b in range(max(1, (width - 1).bit_length())))))
        if self._pairs:  # the arithmetic back end takes u and k as they are
            sync += [
                self.o.p.u.eq(stage("u_8", value)),
                self.o.p.k.eq(k),
                self.o.p.last.eq(last[LATENCY - 2]),
            ]
            if self._side is not None:
                side = follow(stage("side", self.i.p.side.as_value()), LATENCY - 2)
                sync.append(self.o.p.side.eq(side[-1]))
            with m.If(pipe.enable):
                m.d.sync += sync
            return m
        quotient = stage("quotient", Cat(*(
            Cat(*(is_k(j) & value[j + b] for j in range(width - b))).any()
            for b in range(QUOTIENT_BITS))))
        # quotient >= 16: a bit of u at k + 4 or above
        escape = Cat(*(value[j] & ~is_above(j - QUOTIENT_BITS)
                       for j in range(QUOTIENT_BITS, width))).any()
        # (1 << k) | (u & ((1 << k) - 1)), or u
        regular = Cat(*(is_k(j) | (value[j] & is_above(j)) for j in range(width)))
        escaped = stage("escaped", escape)
        bits = stage("bits", Mux(escape, value, regular))

        # Stage 9, the output register: quotient zeros, a one and k bits, or an escape.
        sync += [
            self.o.p.bits.eq(bits),
            self.o.p.length.eq(Mux(escaped, ESCAPE_ZEROS + width, quotient + k + 1)),
            self.o.p.last.eq(last[LATENCY - 2]),
        ]
        with m.If(pipe.enable):
            m.d.sync += sync
        return m

    def _round(self, m, pipe, last):
        """The round of the residual in stage 0 (``last``: whether it ends its stream):
        ``N``, the epoch (the position of ``A - 1``'s least significant bit round the
        circle), and whether ``A`` halves.

        They advance as the residual moves on, from registers only: whether the round ends
        and whether it halves are registers too, set a residual ahead, as they enable the
        others; comparisons would be levels of logic before the enables.
        """
        channels, positions = self._channels, circle(self._width)
        channel = Signal(range(max(channels, 2)))  # (no zero-width signal for one channel)
        ends = Signal(init=channels == 1)  # the residual is of the last channel
        count = Signal(range(RESET), init=1)
        halves = Signal()  # count == RESET - 1
        epoch = Signal(range(positions))
        with m.If(pipe.leaves(0)):
            with m.If(last | ends):
                m.d.sync += [channel.eq(0), ends.eq(channels == 1)]
            with m.Else():
                m.d.sync += [channel.eq(channel + 1), ends.eq(channel == channels - 2)]
            with m.If(last):
                m.d.sync += [count.eq(1), halves.eq(0), epoch.eq(0)]
            with m.Elif(ends & halves):
                m.d.sync += [
                    count.eq(RESET >> 1),
                    halves.eq(0),
                    epoch.eq(Mux(epoch == positions - 1, 0, epoch + 1)),
                ]
            with m.Elif(ends):
                m.d.sync += [count.eq(count + 1), halves.eq(count == RESET - 2)]
        return count, epoch, halves

    @staticmethod
    def _update(m, layout, state, addend, clear):
        """``RiceAdapter.update()`` on the row: add ``addend`` (``|e|`` round the circle),
        and if the round halves ``A``, clear the bit ``clear`` marks (``A - 1``'s least
        significant, which the halving's floor drops).

        Each cell adds its bits, the carry into it and the addend's bits; its carry out is
        stored as the carry into the next cell, round the circle. The circle holds every
        sum, so no carry leaves the top position: none crosses from it to the bottom.
        """
        row, update = state.state, state.update
        out = []  # the carry out of each cell
        for index, (position, size) in enumerate(layout.cells):
            carry = layout.carry(row, index)
            for p in range(position, position + size):
                # the carry from a pair's lower position comes through one more level
                bit, add = layout.bit(row, p), addend[p]
                m.d.comb += layout.bit(update, p).eq(~clear[p] & (bit ^ add ^ carry))
                carry = majority(bit, add, carry)
            out.append(carry)
        m.d.comb += [layout.carry(update, index).eq(out[index - 1])
                     for index in range(len(out))]
