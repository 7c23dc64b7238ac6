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

This module is the specification the gateware implements; it is written for clarity.
"""

from . import near as nl
from .bits import BitReader, BitWriter
from .predictor import Predictor
from .rice import RiceAdapter, codeword, read_codeword, unzigzag, zigzag

MAX_WIDTH = 16
MAX_CHANNELS = 65535


def check_parameters(width, channels):
    """Raise ``ValueError`` unless the core supports ``width`` and ``channels``."""
    if not isinstance(width, int) or not 1 <= width <= MAX_WIDTH:
        raise ValueError(f"sample width must be 1..{MAX_WIDTH} bits, not {width!r}")
    if not isinstance(channels, int) or not 1 <= channels <= MAX_CHANNELS:
        raise ValueError(f"channel count must be 1..{MAX_CHANNELS}, not {channels!r}")


class ChannelState:
    """Everything the core keeps for one channel."""

    def __init__(self, width):
        self.predictor = Predictor(width)
        self.rice = RiceAdapter(width)


def encode_stream(samples, width, channels=1, writer=None, *, near=0):
    """Code ``samples`` (unsigned, ``width`` bits) into ``writer``; return the writer.

    ``near`` is the error bound δ of near-lossless coding; 0 is lossless.
    """
    check_parameters(width, channels)
    nl.check_near(near, width)
    writer = BitWriter() if writer is None else writer
    state = [ChannelState(width) for _ in range(channels)]
    limit = 1 << width
    for i, sample in enumerate(samples):
        if not 0 <= sample < limit:
            raise ValueError(f"sample {i} is {sample!r}, not a {width}-bit unsigned value")
        channel = state[i % channels]
        prediction = channel.predictor.predict()
        quantised = nl.quantise(sample - prediction, near)
        restored = nl.reconstruct(prediction, quantised, near, width)
        error = nl.reduce(quantised, near, width)
        writer.write(*codeword(zigzag(error), channel.rice.k(), width))
        channel.predictor.update(restored, prediction)
        channel.rice.update(error)
    return writer


def encode(samples, width, channels=1, *, near=0):
    """The coded stream of ``samples`` as bytes (``ceil(bits / 8)`` of them)."""
    return encode_stream(samples, width, channels, near=near).to_bytes()


def decode(data, count, width, channels=1, *, near=0):
    """Decode ``count`` samples from ``data``; raises ``ValueError`` on a malformed stream.

    With ``near`` = δ ≥ 1 the samples are the encoder's reconstruction, each within ±δ of
    the original.
    """
    check_parameters(width, channels)
    nl.check_near(near, width)
    reader = BitReader(data)
    state = [ChannelState(width) for _ in range(channels)]
    samples = []
    for i in range(count):
        channel = state[i % channels]
        prediction = channel.predictor.predict()
        error = unzigzag(read_codeword(reader, channel.rice.k(), width))
        if nl.reduce(error, near, width) != error:
            raise ValueError(f"residual of sample {i} is out of range: corrupted stream")
        sample = nl.restore(prediction, error, near, width)
        samples.append(sample)
        channel.predictor.update(sample, prediction)
        channel.rice.update(error)
    if reader.remaining_bits() >= 8 or not reader.rest_is_zero():
        raise ValueError("compressed stream has data after its last sample")
    return samples
