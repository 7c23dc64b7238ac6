"""What the Verilog must output: the golden model's words of a recording.

Samples: a recording's 10-bit ADC codes (:func:`golden.samples.values_to_codes`); with
``--sample-width 16``, its raw 16-bit values offset to unsigned, as the container codes a
file off the 10-bit lattice.

Channels: the recordings are single-channel, so with ``--channels C`` each recording is
cut into ``C`` consecutive segments, channel ``c`` carrying segment ``c``, and the segments
are interleaved round-robin (:func:`arrange`). Every sample goes through once, each
channel sees a contiguous piece of real signal, and when ``C`` does not divide the length
the stream ends inside a round, as a stream may.
"""

import numpy as np

__all__ = ["REFERENCES", "WIDTHS", "VerifyError", "arrange", "golden_words",
           "recording_samples"]

WIDTHS = (10, 16)

REFERENCES = {
    "golden": "golden.core.encode_stream (the golden model)",
    "fast": "neurorice.fast.core.encode (the compiled golden model)",
}


class VerifyError(Exception):
    """The data cannot be read, or the Verilog cannot be built."""


def arrange(samples, channels):
    """``samples`` cut into ``channels`` consecutive segments, interleaved round-robin.

    Segment ``c`` goes to channel ``c``; the first ``len % channels`` segments are one
    sample longer, so position ``r * channels + c`` of the result is sample ``r`` of
    segment ``c`` and the result is a permutation of ``samples``.
    """
    samples = np.asarray(samples)
    count = len(samples)
    if channels == 1 or count == 0:
        return samples
    rounds, extra = divmod(count, channels)
    lengths = np.full(channels, rounds)
    lengths[:extra] += 1
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    position = np.arange(count)
    r, c = np.divmod(position, channels)
    return samples[starts[c] + r]


def recording_samples(data, width=10):
    """The samples of a WAV file's bytes for a ``width``-bit core; raises ``VerifyError``."""
    from golden.samples import values_to_codes
    from golden.wav import parse_pcm16

    pcm = parse_pcm16(data)
    if pcm is None:
        raise VerifyError("not a 16-bit PCM WAV file")
    if width == 16:
        return np.asarray(pcm.samples, dtype=np.int64) + 32768
    codes = values_to_codes(pcm.samples)
    if codes is None:
        raise VerifyError("samples off the 10-bit lattice (try --sample-width 16)")
    return np.asarray(codes, dtype=np.int64)


def golden_words(samples, width, channels=1, word_width=32, reference="golden", near=0,
                 coder="rice"):
    """The golden model's words of one stream, as ``(word, last)`` pairs.

    With ``reference="fast"`` they come from :func:`neurorice.fast.core.encode`'s bytes,
    zero-padded to whole words as ``BitWriter.flush`` pads them.
    """
    samples = [int(x) for x in samples]
    # the back end as a keyword only when not the default, which every model takes
    options = {} if coder == "rice" else {"coder": coder}
    if reference == "fast":
        from neurorice.fast.core import encode

        data = encode(samples, width, channels, near=near, **options)
        size = word_width // 8
        data += bytes(-len(data) % size)
        words = [int.from_bytes(data[j : j + size], "big") for j in range(0, len(data), size)]
    else:
        from golden.bits import BitWriter
        from golden.core import encode_stream

        words = encode_stream(samples, width, channels, BitWriter(word_width),
                              near=near, **options).flush()
    return [(word, int(j == len(words) - 1)) for j, word in enumerate(words)]
