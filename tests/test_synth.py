"""Tests of the synthetic recording generator."""

import wave

import numpy as np
import pytest

from golden.samples import CODE_TO_VALUE, VALUE_TO_CODE
from neurorice import synth


def read_codes(path):
    """The ADC codes of a generated file, checked to be in the canonical WAV format."""
    blob = path.read_bytes()
    with wave.open(str(path), "rb") as reader:
        assert reader.getnchannels() == 1
        assert reader.getsampwidth() == 2
        assert reader.getframerate() == synth.RATE
        assert reader.getcomptype() == "NONE"
        frames = reader.getnframes()
        data = reader.readframes(frames)
    assert len(blob) == 44 + 2 * frames
    assert blob[:4] == b"RIFF" and blob[8:16] == b"WAVEfmt " and blob[36:40] == b"data"
    assert blob[44:] == data
    values = np.frombuffer(data, "<i2")
    lattice = np.array(CODE_TO_VALUE)
    assert np.isin(values, lattice).all(), "sample off the 10-bit lattice"
    return np.array([VALUE_TO_CODE[v] for v in values.tolist()])


@pytest.fixture(scope="module")
def default_set(tmp_path_factory):
    return synth.generate(tmp_path_factory.mktemp("synth"))


def test_default_set_names_and_lengths(default_set):
    assert [p.name for p in default_set] == [f"synth_{i:03d}.wav" for i in range(24)]
    for path in default_set:
        assert len(read_codes(path)) == round(5.0 * synth.RATE)


def test_deterministic(tmp_path):
    first = synth.generate(tmp_path / "a", count=3, seed=7, seconds=1.0)
    second = synth.generate(tmp_path / "b", count=3, seed=7, seconds=1.0)
    blobs = [p.read_bytes() for p in first]
    assert blobs == [p.read_bytes() for p in second]
    assert len(set(blobs)) == 3, "files of a set must differ"
    other = synth.generate(tmp_path / "c", count=1, seed=8, seconds=1.0)
    assert other[0].read_bytes() != blobs[0]


def test_same_files_whatever_the_count(tmp_path):
    few = synth.generate(tmp_path / "few", count=2, seconds=0.5)
    many = synth.generate(tmp_path / "many", count=4, seconds=0.5)
    assert [p.read_bytes() for p in few] == [p.read_bytes() for p in many[:2]]


def test_creates_nested_directory(tmp_path):
    paths = synth.generate(tmp_path / "x" / "y", count=1, seconds=0.1)
    assert paths == [tmp_path / "x" / "y" / "synth_000.wav"]
    assert len(read_codes(paths[0])) == round(0.1 * synth.RATE)


def test_command_line(tmp_path, capsys):
    argv = [str(tmp_path / "cli"), "--count", "2", "--seed", "5", "--seconds", "0.5"]
    assert synth.main(argv) == 0
    assert "2" in capsys.readouterr().out
    expected = synth.generate(tmp_path / "api", count=2, seed=5, seconds=0.5)
    produced = sorted((tmp_path / "cli").iterdir())
    assert [p.read_bytes() for p in produced] == [p.read_bytes() for p in expected]


def test_levels_like_real_recordings(default_set):
    diff_stds, entropies = [], []
    for path in default_set:
        codes = read_codes(path)
        assert abs(np.median(codes) - synth.DC_CODE) < 4 * synth.DC_SD
        assert np.mean((codes == 0) | (codes == 1023)) < 1e-3
        diffs = np.diff(codes)
        diff_stds.append(diffs.std())
        counts = np.bincount(diffs - diffs.min())
        p = counts[counts > 0] / len(diffs)
        entropies.append(-(p * np.log2(p)).sum())
    diff_stds = np.array(diff_stds)
    assert (diff_stds > synth.DIFF_STD / 2).all() and (diff_stds < synth.DIFF_STD * 2).all()
    assert abs(np.median(diff_stds) / synth.DIFF_STD - 1) < 0.2
    assert abs(np.median(entropies) - synth.DIFF_ENTROPY) < 0.3
    assert len(set(np.round(diff_stds, 3))) == len(diff_stds), "per-file levels must vary"


def test_set_contains_spikes(default_set):
    # Gaussian noise alone crosses -4.5 sigma only about once per file.
    crossings = 0
    for path in default_set:
        codes = read_codes(path).astype(float)
        high = (codes - np.convolve(codes, np.ones(41) / 41, mode="same"))[100:-100]
        threshold = -4.5 * np.median(np.abs(high)) / 0.6745
        crossings += np.count_nonzero((high[1:] < threshold) & (high[:-1] >= threshold))
    assert crossings > 100


def test_spike_trains():
    # 20 spikes per second for 10 s, trough depths SPIKE_AMP noise sigmas give or take.
    rng = np.random.Generator(np.random.PCG64(1))
    signal = synth._spikes(rng, 10 * synth.RATE, 20.0, 7.0)
    middle = signal[1:-1]
    troughs = np.flatnonzero((middle < -10) & (middle <= signal[:-2]) & (middle < signal[2:]))
    assert 120 < len(troughs) < 300
    assert signal.max() < -signal.min() < 7.0 * synth.SPIKE_AMP * 10
