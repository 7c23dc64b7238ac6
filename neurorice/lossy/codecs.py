"""The codecs of the study, each at its settings: near-lossless, MP3 and Opus.

A setting is ``(codec, value)``: ``("near", δ)`` through the fast path (``./encode --near δ``),
``("mp3", kbit/s)`` and ``("opus", kbit/s)`` through Debian's ``ffmpeg`` with libmp3lame and
libopus, as a user would run them: the WAV file in, a ``.mp3`` or ``.opus`` file out (its
size is the compressed size, container and all), then back to a WAV file at the recording's
rate. Neither encoder takes 19,531 Hz: MP3 is encoded at 22,050 Hz (the nearest MPEG rate
above it, which could carry the whole band up to 9.77 kHz) and Opus at 48 kHz (its only
internal rate); ffmpeg's default resampler (libswresample) converts both ways (soxr, tried
on a recording, cut more of the band's top). The study measures that round trip alone,
uncoded, as a reference. Neither keeps the band's top octave whole, which the study's bands
(up to 3 kHz) do not measure: of the power between 8 and 9.7 kHz, on 8 recordings spread
over the set, the round trip alone keeps 62 % (its anti-aliasing filter's roll-off) and
LAME, which low-passes its input the more the lower its bitrate, 0 % at 16 kbit/s, 17 % at
32, 57 % at 64. All the settings of a recording take one ``ffmpeg`` run to encode and one
to decode.

Decoders trim the encoder delay (LAME's gapless header, Opus's pre-skip); what is left of an
offset is found by cross-correlation within ±:data:`MAX_LAG` samples and removed, in the
lossy codecs' favour, and the restored signal is cut or padded to the original's length.
"""

import os
import shutil
import subprocess
import tempfile

import numpy as np

from golden.core import DEFAULT_CODER

MP3_KBPS = (16, 24, 32, 48, 64, 96, 128, 160)
OPUS_KBPS = (6, 8, 12, 16, 24, 32, 48, 64, 96)
NEARS = tuple(range(0, 9))
MP3_RATE = 22050
OPUS_RATE = 48000
MAX_LAG = 64


class CodecError(Exception):
    """A codec could not run (ffmpeg missing or failing)."""


#: References: the recording resampled to the lossy codecs' rates and back, uncoded.
RESAMPLE_RATES = (MP3_RATE, OPUS_RATE)


def settings():
    """Every ``(codec, value)`` the study measures, in order."""
    return ([("near", d) for d in NEARS] + [("mp3", b) for b in MP3_KBPS]
            + [("opus", b) for b in OPUS_KBPS] + [("resample", r) for r in RESAMPLE_RATES])


def label(setting):
    """How the study names a setting."""
    codec, value = setting
    if codec == "near":
        return f"near-lossless δ={value}"
    if codec == "resample":
        return f"resampled to {value} Hz and back, uncoded"
    return f"{'MP3' if codec == 'mp3' else 'Opus'} {value} kbit/s"


def ffmpeg():
    """The ``ffmpeg`` executable; :class:`CodecError` naming the package if it is missing."""
    path = shutil.which("ffmpeg")
    if path is None:
        raise CodecError("ffmpeg not found: install it (Debian: apt-get install ffmpeg;"
                         " tools/install-system-deps.sh does)")
    return path


def _run(arguments):
    result = subprocess.run([ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                             *arguments], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CodecError(f"ffmpeg failed: {result.stderr.strip().splitlines()[-1:]}")


def _output(codec, kbps):
    """The rate a setting is coded at, its encoder options and its file's extension."""
    if codec == "resample":
        return kbps, ["-c:a", "pcm_s16le"], "wav"
    if codec == "mp3":
        return MP3_RATE, ["-c:a", "libmp3lame", "-b:a", f"{kbps}k"], "mp3"
    return OPUS_RATE, ["-c:a", "libopus", "-b:a", f"{kbps}k"], "opus"


def _encoding(source, wanted, directory):
    """The ffmpeg arguments that encode ``source`` at every setting, and the files written.

    The recording is resampled once a rate and split to that rate's encoders: the same
    samples as ``-ar`` on each output (byte for byte, checked), one resampler instead of 17.
    """
    rates, outputs, files = {}, [], []
    for index, (codec, kbps) in enumerate(wanted):
        rate, options, extension = _output(codec, kbps)
        rates.setdefault(rate, []).append(index)
        files.append(os.path.join(directory, f"{index}.{extension}"))
        outputs += ["-map", f"[s{index}]", *options, files[-1]]
    graph = ";".join(f"[0:a]aresample={rate},asplit={len(indices)}"
                     + "".join(f"[s{i}]" for i in indices) for rate, indices in rates.items())
    return ["-i", source, "-filter_complex", graph, *outputs], files


def reference(original):
    """What :func:`align` needs of ``original``: its FFT size and conjugate spectrum, mean
    removed; computed once for all the settings of a recording."""
    size = 1 << (len(original) + 2 * MAX_LAG - 1).bit_length()  # i + lag < size: no wrap
    return size, np.conj(np.fft.rfft(original - original.mean(), size))


def align(original, restored, spectrum=None):
    """``restored`` shifted by its best lag within ±MAX_LAG and cut to ``original``'s length.

    ``spectrum`` is ``reference(original)``, computed here if not given.
    """
    count = len(original)
    size, spectrum = spectrum or reference(original)
    padded = np.zeros(count + 2 * MAX_LAG, dtype=restored.dtype)
    padded[MAX_LAG : MAX_LAG + min(count + MAX_LAG, len(restored))] = restored[: count + MAX_LAG]
    # score[lag] = sum_i x[i] y[i + lag], for every lag at once through the FFT
    scores = np.fft.irfft(spectrum * np.fft.rfft(padded, size), size)[: 2 * MAX_LAG + 1]
    lag = int(np.argmax(scores)) - MAX_LAG
    return padded[MAX_LAG + lag : MAX_LAG + lag + count], lag


def ffmpeg_codecs(wav_bytes, original_values, rate, wanted):
    """``{setting: (compressed bytes, restored 16-bit values, lag)}`` for MP3/Opus ``wanted``."""
    if not wanted:
        return {}
    with tempfile.TemporaryDirectory(prefix="neurorice-lossy-") as directory:
        source = os.path.join(directory, "in.wav")
        with open(source, "wb") as f:
            f.write(wav_bytes)
        encode, files = _encoding(source, wanted, directory)
        _run(encode)
        decode = []
        for path in files:
            decode += ["-i", path]
        for index, path in enumerate(files):
            decode += ["-map", f"{index}:a", "-ar", str(rate), "-ac", "1", "-f", "s16le",
                       "-c:a", "pcm_s16le", f"{path}.raw"]
        _run(decode)
        results, spectrum = {}, reference(original_values)
        for setting, path in zip(wanted, files):
            aligned, lag = align(original_values, np.fromfile(f"{path}.raw", dtype="<i2"),
                                 spectrum)
            results[setting] = (os.path.getsize(path), aligned, lag)
        return results


def near_codec(wav_bytes, near):
    """``(compressed bytes, restored file bytes)`` of ./encode --near: the fast path, with
    ./encode's default back end (``golden.core.DEFAULT_CODER``) and bound ``near``."""
    from ..fast import container

    coded = container.compress(wav_bytes, coder=DEFAULT_CODER, near=near)  # as ./encode --near
    return len(coded), container.decompress(coded)
