"""Tests of ``neurorice lossy-study``: a whole run on two short recordings, and its report."""

import json

import pytest

from neurorice.lossy import study
from tests.recordings import training_recordings


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    for name, recording in training_recordings(2, samples=3 * 19531):
        (data / name.replace("/", "_")).write_bytes(recording)
    output = tmp_path_factory.mktemp("report")
    assert study.main([str(data), "-o", str(output), "--jobs", "2"]) == 0
    return output


def test_writes_every_file(report):
    names = sorted(p.name for p in report.iterdir())
    assert names == ["lossy-study.json", "lossy-study.md", "ratio-f1.png", "ratio-snr.png",
                     "spikes.png"]
    assert all((report / n).stat().st_size > 1000 for n in names)


def test_figures(report):
    result = json.loads((report / "lossy-study.json").read_text())
    rows = {(r["codec"], r["value"]): r for r in result["settings"]}
    lossless = rows[("near", 0)]
    assert lossless["snr_full_db"] is None and lossless["max_error_codes"] == 0
    assert lossless["f1"] == 1.0 and lossless["ratio"] > 3
    for near in range(1, 9):
        assert rows[("near", near)]["max_error_codes"] == near
        assert rows[("near", near)]["ratio"] > rows[("near", near - 1)]["ratio"]
    assert rows[("mp3", 16)]["ratio"] > rows[("mp3", 160)]["ratio"]
    assert result["recordings"] == 2 and len(result["overlay"]["spikes"]) >= 1
    markdown = (report / "lossy-study.md").read_text()
    assert "Settings that keep spike detection (F1 ≥ 0.99)" in markdown
    assert "| near-lossless δ=1 |" in markdown


def test_refuses_a_non_wav(tmp_path, capsys):
    (tmp_path / "a.wav").write_bytes(b"not a wav file")
    assert study.main([str(tmp_path), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == (
        "neurorice lossy-study: error: a.wav: not a mono 16-bit PCM WAV file\n")
    assert not (tmp_path / "out").exists()
