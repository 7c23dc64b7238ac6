"""./eval.sh: the challenge's evaluation, on small sets and with broken programs."""

import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from neurorice import evaluate, synth

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    directory = tmp_path_factory.mktemp("recordings")
    return synth.generate(directory, count=3, seconds=0.2)


def run_eval(*args):
    return subprocess.run([str(ROOT / "eval.sh"), *map(str, args)], capture_output=True,
                          text=True)


def test_directory(recordings):
    done = run_eval(recordings[0].parent)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(None, 1) for line in done.stdout.splitlines())
    assert lines["files"].startswith("3, all restored")
    raw = sum(p.stat().st_size for p in recordings)
    assert int(lines["raw"].split()[-1]) == raw
    assert float(lines["ratio"]) > 2.5


def test_zip_in_the_challenge_layout(recordings, tmp_path):
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in recordings:
            z.write(path, f"data/{path.name}")
    done = run_eval(archive)
    assert done.returncode == 0, done.stderr
    assert "files          3, all restored byte for byte" in done.stdout


def test_score_counts_the_programs(recordings):
    results = evaluate.evaluate(recordings, ROOT / "encode", ROOT / "decode",
                                recordings[0].parent, jobs=2)
    lines = evaluate.report(results, ROOT / "encode", ROOT / "decode", wall=1.0)
    raw = sum(r.raw for r in results)
    compressed = sum(r.compressed for r in results)
    programs = (ROOT / "encode").stat().st_size + (ROOT / "decode").stat().st_size
    assert lines[-1].split()[-1] == f"{raw / (compressed + programs):.4f}"


def test_coder_option_reaches_the_encoder(recordings):
    ratios = {}
    for coder in ("rice", "adc"):
        done = run_eval(recordings[0].parent, "--coder", coder)
        assert done.returncode == 0, done.stderr
        ratios[coder] = float(dict(line.split(None, 1) for line in done.stdout.splitlines())
                              ["ratio"])
    assert ratios["adc"] > ratios["rice"]


def test_mismatch_names_the_file(recordings, tmp_path):
    liar = tmp_path / "liar"
    liar.write_text("#!/bin/sh\nprintf 'not the original' > \"$2\"\n")
    liar.chmod(0o755)
    done = run_eval(recordings[0].parent, "--decoder", liar, "--jobs", "1")
    assert done.returncode == 1
    assert "was not restored byte for byte" in done.stderr
    assert any(p.name in done.stderr for p in recordings)


def test_failing_program_is_reported(recordings, tmp_path):
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\necho 'broken: error: no' >&2\nexit 3\n")
    broken.chmod(0o755)
    done = run_eval(recordings[0].parent, "--encoder", broken)
    assert done.returncode == 1
    assert "broken failed on" in done.stderr and "broken: error: no" in done.stderr


@pytest.mark.parametrize("make", [
    lambda tmp: tmp / "missing.zip",
    lambda tmp: (tmp / "empty").mkdir() or tmp / "empty",
    lambda tmp: (tmp / "notzip").write_bytes(b"hello") or tmp / "notzip",
], ids=["missing", "no recordings", "not a zip"])
def test_bad_data_argument(tmp_path, make):
    done = run_eval(make(tmp_path))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("eval: error:")
    assert "Traceback" not in done.stderr


def test_default_is_the_synthetic_set():
    done = run_eval("--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert "synthetic" in done.stderr
    assert f"files          {synth.DEFAULT_COUNT}, all restored" in done.stdout


def test_recordings_of_the_same_name_get_their_own_work_files(recordings, tmp_path):
    # two different recordings called a.wav, coded at the same time: the encoder lingers so
    # that both are in flight together
    for folder, path in zip("xy", recordings):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.wav").write_bytes(path.read_bytes())
    lingering = tmp_path / "lingering"
    lingering.write_text(f"#!/bin/sh\n{ROOT / 'encode'} \"$1\" \"$2\" && sleep 0.5\n")
    lingering.chmod(0o755)
    done = run_eval(tmp_path, "--encoder", lingering, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert "files          2, all restored byte for byte" in done.stdout
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for folder in "xy":
            z.write(tmp_path / folder / "a.wav", f"{folder}/a.wav")
    done = run_eval(archive, "--encoder", lingering, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert "files          2, all restored byte for byte" in done.stdout


def test_only_regular_files_are_evaluated(recordings, tmp_path):
    for path in recordings:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    os.mkfifo(tmp_path / "fifo.wav")
    (tmp_path / "folder.wav").mkdir()
    (tmp_path / "dangling.wav").symlink_to("nowhere.wav")
    (tmp_path / "link.wav").symlink_to(recordings[0])
    done = subprocess.run([str(ROOT / "eval.sh"), str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"files          {len(recordings) + 1}, all restored" in done.stdout
    assert ("eval: skipping dangling.wav (a dangling link),"
            " fifo.wav (a FIFO), folder.wav (a directory)\n") in done.stderr


def test_a_zip_member_named_as_another_is_skipped_and_said(recordings, tmp_path):
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as z, pytest.warns(UserWarning, match="Duplicate"):
        z.write(recordings[0], "data/a.wav")
        z.write(recordings[1], "data/a.wav")
    done = run_eval(archive)
    assert done.returncode == 0, done.stderr
    assert "files          1, all restored byte for byte" in done.stdout
    assert "eval: skipping data/a.wav (another member of that name)\n" in done.stderr


def test_upper_case_names_are_evaluated(recordings, tmp_path):
    # *.WAV is a recording too, in a directory and in a zip
    (tmp_path / "d").mkdir()
    for i, path in enumerate(recordings):
        (tmp_path / "d" / f"r{i}.{'WAV' if i else 'wav'}").write_bytes(path.read_bytes())
    done = run_eval(tmp_path / "d")
    assert done.returncode == 0, done.stderr
    assert f"files          {len(recordings)}, all restored" in done.stdout
    assert f"evaluating {len(recordings)} recordings (every *.wav, in any case)" in done.stderr
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in (tmp_path / "d").iterdir():
            z.write(path, f"data/{path.name}")
    done = run_eval(archive)
    assert done.returncode == 0, done.stderr
    assert f"files          {len(recordings)}, all restored" in done.stdout


def test_a_failure_names_the_recording_by_its_path(recordings, tmp_path):
    for folder in "xy":
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.wav").write_bytes(recordings[0].read_bytes())
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\necho 'broken: error: no' >&2\nexit 3\n")
    broken.chmod(0o755)
    done = run_eval(tmp_path, "--encoder", broken, "--jobs", "1")
    assert done.returncode == 1
    assert "broken failed on x/a.wav: broken: error: no" in done.stderr


def test_a_closed_pipe_on_stdout_is_no_traceback(recordings):
    done = subprocess.run(f"{ROOT / 'eval.sh'} {recordings[0].parent} | true", shell=True,
                          capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
