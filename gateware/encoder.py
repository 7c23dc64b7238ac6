"""The encoder: :func:`golden.core.encode_stream` as a pipeline, one sample a clock.

::

    i ──▶ CodeOrder ──▶ Predictor ──▶ SkidBuffer ──▶ RiceCoder ──▶ SkidBuffer ──▶ BitPacker ──▶ o
          code        rank            residual                        codeword             word

(:class:`~gateware.code_order.CodeOrder`, the rank order of the ADC's codes, only where the
stream has one: lossless, with a table that has missing codes.)

Each block is a pipeline of short stages that advance together when its output register is
free or being taken (:class:`~gateware.pipeline.Lockstep`), so the input waits only for
backpressure on the output, and, with fewer channels than the predictor's weight loop has
stages, for a channel's previous sample to leave its weights
(:data:`gateware.predictor.WEIGHT_SPAN`). The predictor and the Rice coder keep their
per-channel state in :class:`~gateware.state.ChannelState`. A skid buffer between two blocks
registers the ``ready`` one passes to the other, so that no path runs through all three.
"""

from amaranth.hdl import Module
from amaranth.lib import stream, wiring
from amaranth.lib.fifo import SyncFIFOBuffered
from amaranth.lib.wiring import In, Out

from golden import adc, backends
from golden import order as code_order

from .arith import ArithModel
from .bytepacker import BytePacker, ItemBytes
from .bytepacker import check_word_width as check_byte_word_width
from .code_order import CodeOrder
from .packer import LATENCY as PACKER_LATENCY
from .packer import BitPacker, word_layout
from .parameters import check_channels, check_near, check_width, check_word_width
from .predictor import LATENCY as PREDICTOR_LATENCY
from .interval import IntervalModel
from .predictor import Predictor, residual_layout, sample_layout, side_layout
from .predictor import latency as predictor_latency
from .rangecoder import RangeCoder
from .rice import LATENCY as RICE_LATENCY
from .rice import RiceCoder, codeword_layout
from .skid import SkidBuffer
from .spram import WIDTH as SPRAM_WIDTH

#: Items of the range coder that wait while a run of pending bytes is spelled out.
ITEM_QUEUE = 16

__all__ = ["CODERS", "LATENCY", "STATE_MEMORIES", "Encoder", "channel_state_bits",
           "check_parameters", "latency"]

#: Cycles from taking a sample to presenting the word it completes on ``o``, without
#: backpressure: the sum of the blocks' latencies, and a cycle in each skid buffer.
LATENCY = PREDICTOR_LATENCY + RICE_LATENCY + PACKER_LATENCY + 2


def latency(near=0):
    """:data:`LATENCY`, or its near-lossless counterpart (a longer predictor)."""
    return predictor_latency(near) + RICE_LATENCY + PACKER_LATENCY + 2

#: Where the channels' state lives, with two or more channels: ``"generic"``, in memories
#: with a read and a write port (block RAM); ``"ice40"``, with an even channel count, 16 bits
#: of each stage's row in a pair of iCE40 UltraPlus SPRAMs (``SB_SPRAM256KA``) and the rest in
#: block RAM, so that 1024 channels fit a UP5K; ``"spram-model"``, the same with behavioural
#: models of the SPRAMs, for simulation.
STATE_MEMORIES = ("generic", "ice40", "spram-model")


#: The back ends: Golomb-Rice codewords, the arithmetic coder of :mod:`gateware.arith`, or
#: the ADC-aware arithmetic coder of :mod:`gateware.interval`.
CODERS = backends.CODERS


def check_parameters(width, channels, word_width, state_memory="generic", near=0,
                     coder="rice", table=None):
    """Raise ``TypeError`` or ``ValueError`` unless :class:`Encoder` supports the parameters."""
    check_width(width)
    check_channels(channels)
    check_word_width(word_width, width)
    check_near(near, width)
    if coder not in CODERS:
        raise ValueError(f"coder must be one of {', '.join(CODERS)}, not {coder!r}")
    if coder != "rice":
        check_byte_word_width(word_width)
    if table is not None:
        if not isinstance(table, adc.AdcTable):
            raise TypeError(f"table must be a golden.adc.AdcTable, not {table!r}")
        table.check(width)
    if state_memory not in STATE_MEMORIES:
        raise ValueError(f"state memory must be one of {', '.join(STATE_MEMORIES)}, "
                         f"not {state_memory!r}")
    if state_memory != "generic" and channels % 2:
        raise ValueError(f"SPRAM state needs an even channel count, not {channels!r}")
    if state_memory != "generic" and near:
        raise ValueError("near-lossless keeps its state in block RAM: state memory must be"
                         f" generic, not {state_memory!r}")


def channel_state_bits(width, state_memory="generic"):
    """Bits of state a channel keeps: the predictor's past samples, averages and weights,
    and the Rice coder's row (wider when part of it is in SPRAM)."""
    from amaranth.hdl import Shape

    from .predictor import state_layout, weights_layout
    from .rice_row import state_layout as rice_layout

    spram = SPRAM_WIDTH if state_memory != "generic" else 0
    return sum(Shape.cast(layout).width for layout in (
        state_layout(width), weights_layout(), rice_layout(width, spram)))


class Encoder(wiring.Component):
    """Samples in, the golden core's bit stream out, as words.

    The output of a stream of samples is ``encode_stream(samples, width, channels,
    BitWriter(word_width)).flush()``, with ``last`` on its final word.

    Throughput: one sample a clock, for any samples, as long as the output takes a word a
    clock (codewords are at most ``16 + width`` bits, no longer than a word) and there are
    more channels than :data:`gateware.predictor.WEIGHT_SPAN`; so 1024 channels at 20 kHz
    need a 20.48 MHz clock. With fewer channels a channel takes a sample every
    ``WEIGHT_SPAN`` cycles (one channel) or ``WEIGHT_SPAN + 1`` (two to ``WEIGHT_SPAN``), the
    bound of the predictor's loop through the weights.

    Latency: without backpressure, a word is on ``o`` :data:`LATENCY` cycles after the
    sample that completes it is taken, and never more than one cycle later. The final sample
    of a stream can complete two words (its codeword, then the padding); the second comes a
    cycle later, and words of the next stream that complete while it waits queue behind it.
    A stream's other samples wait for their word to fill.

    Parameters
    ----------
    width : int
        Sample width ``W`` in bits, 1 to 16; samples are unsigned.
    channels : int
        Number of channels interleaved round-robin, 1 to 65535: sample ``n`` of a stream
        belongs to channel ``n % channels``. Their state lives in memories when there are
        two or more.
    word_width : int
        Bits an output word: 8, 16, ... 64, and at least ``16 + width``.
    state_memory : str
        One of :data:`STATE_MEMORIES`; anything but ``"generic"`` needs an even channel
        count.
    near : int
        The error bound δ of near-lossless coding (:mod:`golden.near`), fixed here; 0, the
        default, is the lossless encoder. The output is then ``encode_stream(..., near=δ)``;
        the predictor is :func:`~gateware.predictor.latency` cycles long, and one channel
        alone takes a sample every :data:`gateware.predictor.NEAR_LATENCY` cycles.
    low_power : bool
        The ASIC's low-power variant: the predictor's stage registers load only as an item
        enters (see :class:`~gateware.predictor.Predictor`). Same bits; off for the FPGA.
    coder : str
        The back end, one of :data:`CODERS`: ``"rice"``, or ``"arith"``, the output of
        ``encode_stream(..., coder="arith")``, words of 32 bits or more. With ``"arith"``
        the throughput and latency above are the Rice core's: the arithmetic back end
        (:meth:`_elaborate_arith`) takes a sample a clock but for a cycle at each stream's
        end and the runs of pending bytes its queue does not absorb, and a word leaves once
        a later byte settles its carry, at the latest at the stream's end. With ``"adc"``,
        the same with the ADC-aware model (:class:`~gateware.interval.IntervalModel`): the
        output of ``encode_stream(..., coder="adc", table=table)``.
    table : golden.adc.AdcTable or None
        The ADC's code widths, fixed here; by default :func:`golden.adc.default` of
        ``width``. With ``"adc"``, the model's axis; with ``"rice"`` and ``"arith"``,
        lossless, the order the codes are coded in, the table's missing codes last
        (:class:`~gateware.code_order.CodeOrder`; :func:`golden.order.for_stream`).

    Members
    -------
    i : In(stream.Signature(sample_layout(width)))
        Samples; ``last`` on the final sample of a stream. The next sample starts a new
        stream, in channel 0 with every channel's state reset.
    o : Out(stream.Signature(word_layout(word_width)))
        Words, the first bit in the most significant; ``last`` on a stream's final word,
        zero-padded.

    Raises
    ------
    TypeError, ValueError
        If a parameter is not an integer, or out of range.
    """

    def __init__(self, width=10, channels=1, word_width=32, *, state_memory="generic", near=0,
                 low_power=False, coder="rice", table=None):
        check_parameters(width, channels, word_width, state_memory, near, coder, table)
        self.low_power = low_power
        self.coder = coder
        self.table = adc.default(width) if table is None else table
        self.order = code_order.for_stream(coder, near, self.table, width)
        self.width = width
        self.channels = channels
        self.word_width = word_width
        self.state_memory = state_memory
        self.near = near
        super().__init__({
            "i": In(stream.Signature(sample_layout(width))),
            "o": Out(stream.Signature(word_layout(word_width))),
        })

    def elaborate(self, platform):
        m = Module()
        spram = {}
        if self.state_memory != "generic" and self.channels > 1:
            spram = {"spram_bits": SPRAM_WIDTH, "spram_instance": self.state_memory == "ice40"}
        near = {"near": self.near} if self.near else {}
        m.submodules.predictor = predictor = Predictor(self.width, self.channels, **spram, **near,
                                                       low_power=self.low_power,
                                                       analog=self.coder == "adc")
        if not self.order.identity:
            # the codes as ranks, in front of everything
            m.submodules.order = order = CodeOrder(self.order)
            wiring.connect(m, wiring.flipped(self.i), order.i)
            samples = order.o
        else:
            samples = wiring.flipped(self.i)
        if self.coder != "rice":
            return self._elaborate_arith(m, spram, samples)
        m.submodules.rice = rice = RiceCoder(self.width, self.channels, **spram)
        m.submodules.packer = packer = BitPacker(self.width, self.word_width)
        m.submodules.residuals = residuals = SkidBuffer(residual_layout(self.width))
        m.submodules.codewords = codewords = SkidBuffer(codeword_layout(self.width))
        wiring.connect(m, samples, predictor.i)
        wiring.connect(m, predictor.o, residuals.i)
        wiring.connect(m, residuals.o, rice.i)
        wiring.connect(m, rice.o, codewords.i)
        wiring.connect(m, codewords.o, packer.i)
        wiring.connect(m, packer.o, wiring.flipped(self.o))
        return m

    def _elaborate_arith(self, m, spram, samples):
        """The arithmetic back ends after the Rice coder's ``(u, k)``::

            Predictor ─▶ Skid ─▶ RiceCoder ─▶ Skid ─▶ ArithModel ─▶ RangeCoder ─▶ FIFO
                ─▶ ItemBytes ─▶ BytePacker

        or, with ``"adc"``, the :class:`~gateware.interval.IntervalModel` for the
        ``ArithModel``, the predictor's side carried along the Rice coder to it.
        """
        width = self.width
        predictor = m.submodules.predictor
        side = side_layout(width, self.near) if self.coder == "adc" else None
        m.submodules.rice = rice = RiceCoder(width, self.channels, pairs=True, side=side,
                                             **spram)
        m.submodules.residuals = residuals = SkidBuffer(residual_layout(width, side))
        m.submodules.pairs = pairs = SkidBuffer(rice.o.p.shape())
        if self.coder == "adc":
            m.submodules.model = model = IntervalModel(width, self.table, self.near)
        else:
            m.submodules.model = model = ArithModel(width)
        m.submodules.coder = coder = RangeCoder(width)
        # Items queue while a run of pending bytes is spelled out over several clocks.
        m.submodules.items = items = SyncFIFOBuffered(
            width=coder.o.p.shape().size, depth=ITEM_QUEUE)
        m.submodules.spell = spell = ItemBytes()
        m.submodules.packer = packer = BytePacker(self.word_width)
        wiring.connect(m, samples, predictor.i)
        wiring.connect(m, predictor.o, residuals.i)
        wiring.connect(m, residuals.o, rice.i)
        wiring.connect(m, rice.o, pairs.i)
        wiring.connect(m, pairs.o, model.i)
        wiring.connect(m, model.o, coder.i)
        m.d.comb += [
            items.w_data.eq(coder.o.p), items.w_en.eq(coder.o.valid),
            coder.o.ready.eq(items.w_rdy),
            spell.i.p.eq(items.r_data), spell.i.valid.eq(items.r_rdy),
            items.r_en.eq(spell.i.ready),
        ]
        wiring.connect(m, spell.o, packer.i)
        wiring.connect(m, packer.o, wiring.flipped(self.o))
        return m
