"""Tests of neurorice.lossy.codecs: real ffmpeg, a real recording's first seconds."""

from pathlib import Path

import numpy as np
import pytest

from golden import wav
from neurorice.lossy import codecs, metrics
from tests.recordings import training_recordings


@pytest.fixture(scope="module")
def clip():
    """Two seconds of a recording: its WAV bytes and 16-bit values."""
    name, data = next(iter(training_recordings(1, samples=2 * metrics.RATE)))
    pcm = wav.parse_pcm16(data)
    return data, np.asarray(pcm.samples, dtype=np.float64)


@pytest.mark.parametrize("lag", [-64, -9, 0, 5, 64])
def test_align_finds_the_lag(lag):
    rng = np.random.default_rng(3)
    original = rng.normal(0, 100, 5000)
    shifted = np.concatenate([np.zeros(lag), original]) if lag >= 0 else original[-lag:]
    aligned, found = codecs.align(original, shifted)
    assert found == lag and len(aligned) == len(original)
    inner = slice(70, -70)
    assert np.array_equal(aligned[inner], original[inner])


def test_ffmpeg_codecs(clip):
    data, values = clip
    wanted = [("mp3", 32), ("mp3", 160), ("opus", 12), ("opus", 96), ("resample", 22050)]
    results = codecs.ffmpeg_codecs(data, values, metrics.RATE, wanted)
    assert list(results) == wanted
    sizes = {s: size for s, (size, _, _) in results.items()}
    assert sizes[("mp3", 32)] < sizes[("mp3", 160)] < len(data)
    assert sizes[("opus", 12)] < sizes[("opus", 96)] < len(data)
    original = metrics.Bands.of(metrics.to_codes(values))
    for setting, (_, restored, lag) in results.items():
        assert len(restored) == len(values) and abs(lag) <= codecs.MAX_LAG
        figures = metrics.measure(original, metrics.to_codes(restored))
        snr = 10 * np.log10(figures["signal_spike"] / figures["error_spike"])
        assert snr > 3, setting  # recognisably the same signal


def test_one_resampler_a_rate_writes_what_ar_on_each_output_does(clip, tmp_path):
    data, _ = clip
    source = tmp_path / "in.wav"
    source.write_bytes(data)
    wanted = [("mp3", 32), ("resample", 48000), ("mp3", 96), ("resample", 22050)]
    arguments, files = codecs._encoding(str(source), wanted, str(tmp_path))
    codecs._run(arguments)
    for (codec, value), path in zip(wanted, files, strict=True):
        rate = value if codec == "resample" else codecs.MP3_RATE
        alone = f"{path}.alone.{path.rsplit('.', 1)[1]}"
        codecs._run(["-i", str(source), "-ar", str(rate), *codecs._output(codec, value)[1],
                     alone])
        assert Path(path).read_bytes() == Path(alone).read_bytes(), (codec, value)


def test_near_codec_bound(clip):
    data, values = clip
    size, restored = codecs.near_codec(data, 3)
    back = np.asarray(wav.parse_pcm16(restored).samples, dtype=np.float64)
    error = np.abs(metrics.to_codes(back) - metrics.to_codes(values)).max()
    assert error == 3 and size < len(data) / 5


def test_missing_ffmpeg_is_named(monkeypatch):
    monkeypatch.setattr(codecs.shutil, "which", lambda name: None)
    with pytest.raises(codecs.CodecError, match="ffmpeg not found: install it"):
        codecs.ffmpeg()


def test_settings_and_labels():
    assert ("near", 0) in codecs.settings() and ("opus", 32) in codecs.settings()
    assert codecs.label(("mp3", 64)) == "MP3 64 kbit/s"
    assert codecs.label(("near", 2)) == "near-lossless δ=2"
