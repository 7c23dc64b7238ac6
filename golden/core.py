"""The codec core: interleaved channels through predictor, Rice coder and bit packer.

Sample ``i`` of a stream belongs to channel ``i % channels`` (round-robin interleaving, as
an implant's multiplexed ADC delivers them). Each channel has its own
:class:`~golden.predictor.Predictor` and :class:`~golden.rice.RiceAdapter`; the bit
packer is shared. For every sample, in order::

    p = predict()                  # from the channel's past only
    e = reduce(x - p, W)           # residual, modulo 2**W
    k = rice_k(A, N)               # from the channel's past only
    write(codeword(zigzag(e), k))
    update predictor with (x, p), Rice state with e

The decoder runs the same steps, reading the codeword instead of writing it, and restores
``x = (p + e) mod 2**W``.

With ``near`` = δ ≥ 1 (near-lossless, :mod:`golden.near`) the residual is quantised and the
sample reconstructed within ±δ before anything else uses it::

    q  = quantise(x - p, δ)        # in steps of 2δ + 1
    x' = reconstruct(p, q, δ)      # |x' - x| <= δ
    e  = reduce(q, δ)              # modulo RANGE, as reduce(x - p, W) at δ = 0
    write(codeword(zigzag(e), k))
    update predictor with (x', p), Rice state with e

so the predictor and the Rice state follow the decoder's samples. δ = 0 is the lossless
codec, bit for bit. The stream carries no side information: its length and
parameters live in the container (:mod:`golden.container`).

With ``coder="arith"`` the same ``(zigzag(e), k)`` pairs go to the arithmetic-coded back
end (:mod:`golden.arith`) instead of the Rice codeword; predictor and ``k`` are unchanged.
With ``coder="adc"`` (:mod:`golden.interval`) each sample is coded as the analog interval
of its code, on the axis of an ADC's code widths (``table``, :mod:`golden.adc`), about a
prediction kept in fractions of a code; ``k`` chooses the model's scale.

The lossless Rice and arithmetic back ends code each sample as its rank
(:mod:`golden.order`): the codes ``table`` gives no width (the ADC's missing codes) come
last, so a residual across a missing code is no larger than the signal's change. Every
other stream, and every table without a missing code, codes the samples as they are.

This module is the specification the gateware implements; it is written for clarity.
"""

from . import adc, backends
from . import near as nl
from . import order as code_order
from .arith import ArithDecoder, ArithEncoder
from .interval import IntervalDecoder, IntervalEncoder, Sample
from .bits import BitReader, BitWriter
from .predictor import Predictor
from .rice import RiceAdapter, codeword, read_codeword, unzigzag, zigzag

MAX_WIDTH = 16
MAX_CHANNELS = 65535
#: The back ends (:mod:`golden.backends`): Golomb-Rice codewords, the arithmetic coder of
#: :mod:`golden.arith`, or the ADC-aware arithmetic coder of :mod:`golden.interval`.
CODERS = backends.CODERS
DEFAULT_CODER = backends.DEFAULT_CODER


def check_parameters(width, channels, coder="rice"):
    """Raise ``ValueError`` unless the core supports ``width``, ``channels`` and ``coder``."""
    if not isinstance(width, int) or not 1 <= width <= MAX_WIDTH:
        raise ValueError(f"sample width must be 1..{MAX_WIDTH} bits, not {width!r}")
    if not isinstance(channels, int) or not 1 <= channels <= MAX_CHANNELS:
        raise ValueError(f"channel count must be 1..{MAX_CHANNELS}, not {channels!r}")
    if coder not in CODERS:
        raise ValueError(f"coder must be one of {', '.join(CODERS)}, not {coder!r}")


class ChannelState:
    """Everything the core keeps for one channel."""

    def __init__(self, width):
        self.predictor = Predictor(width)
        self.rice = RiceAdapter(width)


class RiceEncoder:
    """The Rice back end: each ``(u, k)`` pair as its codeword."""

    def __init__(self, width, writer):
        self.width = width
        self.writer = writer

    def write(self, value, k):
        self.writer.write(*codeword(value, k, self.width))

    def finish(self):
        return self.writer


class RiceDecoder:
    """Reads the Rice back end's codewords."""

    def __init__(self, width, reader):
        self.width = width
        self.reader = reader

    def read(self, k):
        return read_codeword(self.reader, k, self.width)

    def at_end(self):
        return True


def _back_end(coder, width, stream, table, near, encoder):
    if coder == "adc":
        table = adc.default(width) if table is None else table
        kind = IntervalEncoder if encoder else IntervalDecoder
        return kind(width, stream, table=table, near=near)
    if coder == "arith":
        return (ArithEncoder if encoder else ArithDecoder)(width, stream)
    return (RiceEncoder if encoder else RiceDecoder)(width, stream)


def encode_stream(samples, width, channels=1, writer=None, *, coder="rice", near=0,
                  table=None):
    """Code ``samples`` (unsigned, ``width`` bits) into ``writer``; return the writer.

    ``coder`` is the back end (:data:`CODERS`); an arithmetic-coded stream is ended (flushed)
    here. ``near`` is the error bound δ of near-lossless coding; 0 is lossless. ``table`` is
    the ADC's code widths (:mod:`golden.adc`), by default :func:`golden.adc.default` of
    ``width``: the ``"adc"`` back end's axis, and the order the lossless ``"rice"`` and
    ``"arith"`` back ends code in (:func:`golden.order.for_stream`).
    """
    check_parameters(width, channels, coder)
    nl.check_near(near, width)
    writer = BitWriter() if writer is None else writer
    back_end = _back_end(coder, width, writer, table, near, encoder=True)
    state = [ChannelState(width) for _ in range(channels)]
    ranks = code_order.for_stream(coder, near, table, width).ranks
    limit = 1 << width
    for i, sample in enumerate(samples):
        if not 0 <= sample < limit:
            raise ValueError(f"sample {i} is {sample!r}, not a {width}-bit unsigned value")
        sample = ranks[sample]
        channel = state[i % channels]
        prediction = channel.predictor.predict()
        quantised = nl.quantise(sample - prediction, near)
        restored = nl.reconstruct(prediction, quantised, near, width)
        error = nl.reduce(quantised, near, width)
        if coder == "adc":
            back_end.write(channel.rice.k(), Sample(
                prediction, channel.predictor.history[0],
                channel.predictor.correction(adc.FRACTION_BITS), quantised, restored))
        else:
            back_end.write(zigzag(error), channel.rice.k())
        channel.predictor.update(restored, prediction)
        channel.rice.update(error)
    return back_end.finish()


def encode(samples, width, channels=1, *, coder="rice", near=0, table=None):
    """The coded stream of ``samples`` as bytes (``ceil(bits / 8)`` of them)."""
    return encode_stream(samples, width, channels, coder=coder, near=near,
                         table=table).to_bytes()


def decode(data, count, width, channels=1, *, coder="rice", near=0, table=None):
    """Decode ``count`` samples from ``data``; raises ``ValueError`` on a malformed stream.

    With ``near`` = δ ≥ 1 the samples are the encoder's reconstruction, each within ±δ of
    the original.
    """
    check_parameters(width, channels, coder)
    nl.check_near(near, width)
    reader = BitReader(data)
    back_end = _back_end(coder, width, reader, table, near, encoder=False)
    state = [ChannelState(width) for _ in range(channels)]
    codes = code_order.for_stream(coder, near, table, width).codes
    samples = []
    for i in range(count):
        channel = state[i % channels]
        prediction = channel.predictor.predict()
        if coder == "adc":
            error = nl.reduce(back_end.read(
                channel.rice.k(), prediction, channel.predictor.history[0],
                channel.predictor.correction(adc.FRACTION_BITS)), near, width)
        else:
            error = unzigzag(back_end.read(channel.rice.k()))
            if nl.reduce(error, near, width) != error:
                raise ValueError(f"residual of sample {i} is out of range: corrupted stream")
        sample = nl.restore(prediction, error, near, width)
        samples.append(codes[sample])
        channel.predictor.update(sample, prediction)
        channel.rice.update(error)
    if reader.remaining_bits() >= 8 or not reader.rest_is_zero() or not back_end.at_end():
        raise ValueError("compressed stream has data after its last sample")
    return samples
