"""Tests of ``neurorice lossy-study``: a whole run on two short recordings, a saturated one
and a synthetic one with known spikes, and its report."""

import json

import numpy as np
import pytest

from neurorice import synth
from neurorice.lossy import codecs, document, study
from tests.recordings import training_recordings


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    for name, recording in training_recordings(2, samples=3 * 19531):
        (data / name.replace("/", "_")).write_bytes(recording)
    # stuck at the top rail but for its middle second of noise: saturated, reported apart
    rng = np.random.default_rng(3)
    codes = np.full(3 * 19531, 1023)
    codes[19531:39062] = np.clip(np.round(1000 + rng.normal(0, 8, 19531)), 0, 1023)
    (data / "zz_saturated.wav").write_bytes(synth.wav_bytes(codes.astype(np.int64)))
    output = tmp_path_factory.mktemp("report")
    assert study.main([str(data), "-o", str(output), "--jobs", "2", "--synthetic", "1"]) == 0
    return output


def test_writes_every_file(report):
    names = sorted(p.name for p in report.iterdir())
    assert names == sorted(document.NAMES_WRITTEN)
    assert all((report / n).stat().st_size > 1000 for n in names)


def test_figures(report):
    result = json.loads((report / "lossy-study.json").read_text())
    rows = {(r["codec"], r["value"]): r for r in result["settings"]}
    assert len(rows) == len(codecs.settings())
    lossless = rows[("near", 0)]
    for band in ("full", "drift", "lfp", "spike"):
        assert lossless[f"{band}_snr_db"] is None and lossless[f"{band}_gain"] == 1
        assert lossless[f"{band}_kept"] == 1
    assert lossless["max_error_codes"] == lossless["max_error_all_codes"] == 0
    assert lossless["f1"] == 1.0
    assert lossless["f1_quartiles"] in ([1, 1, 1], None)
    assert lossless["waveform_correlation"] == 1 and lossless["trough_depth_error"] == 0
    for near in range(1, 9):
        assert rows[("near", near)]["max_error_codes"] == near
        assert rows[("near", near)]["ratio"] > rows[("near", near - 1)]["ratio"]
    assert rows[("mp3", 16)]["ratio"] > rows[("mp3", 160)]["ratio"]
    # LAME returns the signal quieter in every band: a gain, reported apart from the SNR
    for band in ("lfp", "spike"):
        assert 0.9 < rows[("mp3", 160)][f"{band}_gain"] < 0.97
    # libopus's input high-pass: the drift does not come back
    assert rows[("opus", 96)]["drift_kept"] < 0.5
    # the synthetic recording: scored against its known spikes, the original's own score
    # the ceiling lossless coding reaches exactly
    assert result["synthetic"] == 1
    truth = result["synthetic_original"]
    assert truth["spikes"] > 0 and lossless["truth_f1"] == truth["truth_f1"]
    assert lossless["synthetic_ratio"] > 3
    # the saturated recording: in the ratio, not in the quality figures
    assert result["recordings"] == 3
    assert [d["name"] for d in result["degenerate"]] == ["zz_saturated.wav"]
    assert result["degenerate"][0]["saturated"] > 0.6
    assert "degenerate_spikes" in lossless
    assert len(result["overlay"]) >= 1
    markdown = (report / "lossy-study.md").read_text()
    assert "## At matched ratios" in markdown and "| near-lossless δ=1 |" in markdown
    assert "| zz_saturated.wav |" in markdown


def test_redraw_writes_the_same_markdown(report):
    before = (report / "lossy-study.md").read_text()
    assert study.main(["-o", str(report), "--redraw"]) == 0
    assert (report / "lossy-study.md").read_text() == before


def test_refuses_a_non_wav(tmp_path, capsys):
    (tmp_path / "a.wav").write_bytes(b"not a wav file")
    assert study.main([str(tmp_path), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == (
        "neurorice lossy-study: error: a.wav: not a mono 16-bit PCM WAV file\n")
    assert not (tmp_path / "out").exists()
