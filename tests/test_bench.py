"""Tests of ``neurorice bench`` and ``neurorice verify-fast``: they run and print their figures.

The figures themselves are the benchmark's to show, not the tests' to assert.
"""

import os
import re

from neurorice import bench, cli
from tests.golden.test_container import lattice_walk, wav_file


def recordings(directory):
    for index in range(3):
        (directory / f"r{index}.wav").write_bytes(wav_file(lattice_walk(4000, seed=index)))
    return directory


def test_bench_prints_every_figure(tmp_path, capsys):
    assert cli.main(["bench", str(recordings(tmp_path)), "--runs", "2", "--random-mb", "1",
                     "--eval"]) == 0
    out = capsys.readouterr().out
    for pattern in [
        r"3 recordings from ",
        r"encode +[\d.]+ M samples/s +target >= 20.5: (ok|MISSED)",
        r"decode +[\d.]+ M samples/s +target >= 20.5: (ok|MISSED)",
        r"\./encode +median +\d+ ms +p90 +\d+ ms",
        r"\./decode +peak RSS +[\d.]+ MiB",
        r"\./encode +[\d.]+ s +[\d.]+ MB/s +peak RSS +\d+ MB +target >= 5 MB/s",
        r"eval.sh .*: wall [\d.]+ s, ratio [\d.]+",
    ]:
        assert re.search(pattern, out), (pattern, out)


def test_bench_without_data(tmp_path, capsys):
    assert bench.main([str(tmp_path / "absent.zip")]) == 1
    assert "no recordings at" in capsys.readouterr().err
    assert bench.main([str(tmp_path)]) == 1
    assert "no .wav recordings in" in capsys.readouterr().err


def test_the_default_data_is_the_training_set():
    expected = bench.ROOT.parent / "shared" / "data" / "train.zip"
    assert os.path.normpath(bench.DEFAULT_DATA) == str(expected)


def test_verify_fast(tmp_path, capsys):
    assert cli.main(["verify-fast", str(recordings(tmp_path)), "--jobs", "1"]) == 0
    assert capsys.readouterr().out.startswith(
        "3 recordings, 3 identical to the golden model, 0 not")


def test_verify_fast_both_back_ends(tmp_path, capsys):
    assert cli.main(["verify-fast", str(recordings(tmp_path)), "--jobs", "1",
                     "--coder", "both"]) == 0
    assert capsys.readouterr().out.startswith(
        "3 recordings, 3 identical to the golden model, 0 not")


def test_bench_one_back_end(tmp_path, capsys):
    assert cli.main(["bench", str(recordings(tmp_path)), "--runs", "1", "--random-mb", "0.1",
                     "--coder", "adc"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"whole container, adc back end \(0.0 M samples, ratio [\d.]+", out), out
    assert "rice back end" not in out and "arith back end" not in out


def test_verify_fast_every_back_end(tmp_path, capsys):
    for coder in ("adc", "all"):
        assert cli.main(["verify-fast", str(recordings(tmp_path)), "--jobs", "1",
                         "--coder", coder]) == 0
        assert capsys.readouterr().out.startswith(
            "3 recordings, 3 identical to the golden model, 0 not")
