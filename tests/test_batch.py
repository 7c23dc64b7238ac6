"""Tests of ``neurorice compress`` and ``neurorice decompress``: many files, restartable."""

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from golden import container
from golden.core import DEFAULT_CODER
from neurorice import batch, cli
from tests.golden.test_container import lattice_walk, wav_file
from tests.recordings import training_recordings


@pytest.fixture(scope="module")
def originals():
    """Recordings by relative path: real ones, synthetic ones, one in a subdirectory."""
    files = {f"real{i}.wav": data for i, (_, data) in enumerate(training_recordings(2, 5000))}
    files["walk.wav"] = wav_file(lattice_walk(3000))
    files["stereo.WAV"] = wav_file(lattice_walk(2000, channels=2), 2)
    files["sub/deeper/text.wav"] = b"not a recording " * 50
    files["sub/empty.wav"] = b""
    return files


def write_tree(root, files):
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def read_tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}


def run(command, *args):
    return cli.main([command, *map(str, args)])


def summary(capsys):
    out, err = capsys.readouterr()
    assert err == "", err  # no progress bar when stderr is not a terminal
    return out.splitlines()[0]


def test_compress_and_decompress_a_directory(tmp_path, originals, capsys):
    source = write_tree(tmp_path / "in", {**originals, "notes.txt": b"not a .wav"})
    assert run("compress", source, tmp_path / "packed") == 0
    assert summary(capsys).startswith("6 files: 6 written, 0 skipped")
    packed = read_tree(tmp_path / "packed")
    assert sorted(packed) == sorted(name + ".nrc" for name in originals)
    for name, data in originals.items():
        assert packed[name + ".nrc"] == container.compress(data, coder=DEFAULT_CODER), name

    assert run("decompress", tmp_path / "packed", tmp_path / "out") == 0
    assert summary(capsys).startswith("6 files: 6 written, 0 skipped")
    assert read_tree(tmp_path / "out") == originals


def test_a_zip_in_the_challenge_layout(tmp_path, originals, capsys):
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, data in originals.items():
            z.writestr(f"data/{name}", data)
    assert run("compress", archive, tmp_path / "packed", "--jobs", "1") == 0
    summary(capsys)
    with zipfile.ZipFile(tmp_path / "packed.zip", "w") as z:
        for name, data in read_tree(tmp_path / "packed").items():
            z.writestr(name, data)
    assert run("decompress", tmp_path / "packed.zip", tmp_path / "out") == 0
    summary(capsys)
    assert read_tree(tmp_path / "out") == {f"data/{n}": d for n, d in originals.items()}


def test_compress_restarts(tmp_path, originals, capsys):
    source = write_tree(tmp_path / "in", originals)
    packed = tmp_path / "packed"
    assert run("compress", source, packed) == 0
    summary(capsys)
    before = {p: p.stat().st_mtime_ns for p in packed.rglob("*.nrc")}
    assert run("compress", source, packed) == 0
    assert summary(capsys).startswith("6 files: 0 written, 6 skipped")
    assert {p: p.stat().st_mtime_ns for p in packed.rglob("*.nrc")} == before

    # a half-written, a corrupted and a missing output are done again; the rest is kept
    (packed / "walk.wav.nrc").write_bytes(b"NRC\x01")
    damaged = bytearray((packed / "real0.wav.nrc").read_bytes())
    damaged[-3] ^= 0x40
    (packed / "real0.wav.nrc").write_bytes(bytes(damaged))
    (packed / "sub" / "empty.wav.nrc").unlink()
    assert run("compress", source, packed) == 0
    assert summary(capsys).startswith("6 files: 3 written, 3 skipped")
    for name, data in originals.items():
        assert container.decompress((packed / (name + ".nrc")).read_bytes()) == data, name


def test_decompress_restarts(tmp_path, originals, capsys):
    source = write_tree(tmp_path / "in", originals)
    run("compress", source, tmp_path / "packed")
    run("decompress", tmp_path / "packed", tmp_path / "out")
    capsys.readouterr()
    (tmp_path / "out" / "walk.wav").write_bytes(b"something else")
    assert run("decompress", tmp_path / "packed", tmp_path / "out") == 0
    assert summary(capsys).startswith("6 files: 1 written, 5 skipped")
    assert read_tree(tmp_path / "out") == originals


def test_no_temporary_files_left(tmp_path, originals, capsys):
    source = write_tree(tmp_path / "in", originals)
    run("compress", source, tmp_path / "packed")
    run("decompress", tmp_path / "packed", tmp_path / "out")
    capsys.readouterr()
    assert not [p for p in tmp_path.rglob(".neurorice-*")]


def test_corrupted_input_is_reported_and_the_rest_done(tmp_path, originals, capsys):
    source = write_tree(tmp_path / "in", originals)
    run("compress", source, tmp_path / "packed")
    capsys.readouterr()
    (tmp_path / "packed" / "walk.wav.nrc").write_bytes(b"garbage")
    assert run("decompress", tmp_path / "packed", tmp_path / "out") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("6 files: 5 written, 0 skipped")
    assert lines[-1] == (f"failed: {tmp_path / 'packed' / 'walk.wav.nrc'}:"
                         " not a neurorice file (bad magic)")
    assert not (tmp_path / "out" / "walk.wav").exists()
    assert len(read_tree(tmp_path / "out")) == 5


@pytest.mark.parametrize("command", ["compress", "decompress"])
def test_bad_arguments(tmp_path, capsys, command):
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_bytes(b"x")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.wav.nrc" if command == "decompress" else tmp_path / "in" / "a.wav"
     ).write_bytes(container.compress(b"x") if command == "decompress" else b"x")
    cases = [
        ((tmp_path / "absent", tmp_path / "out"), "does not exist"),
        ((tmp_path / "empty", tmp_path / "out"), "no "),
        ((tmp_path / "file", tmp_path / "out"), "neither a directory nor a zip archive"),
        ((tmp_path / "in", tmp_path / "file"), "is not a directory"),
    ]
    for args, message in cases:
        assert run(command, *args) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"neurorice {command}: error: ") and message in err, err
        assert err.count("\n") == 1


def test_unsafe_zip_member(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as z:
        z.writestr("../escape.wav", b"x")
    assert run("compress", tmp_path / "evil.zip", tmp_path / "out") == 1
    assert "unsafe member name '../escape.wav'" in capsys.readouterr().err
    assert not (tmp_path / "escape.wav.nrc").exists()


def test_jobs_must_be_positive(tmp_path):
    with pytest.raises(SystemExit):
        batch.main_compress([str(tmp_path), str(tmp_path), "--jobs", "0"])


def test_a_file_named_only_the_suffix_is_refused_and_the_rest_done(tmp_path, originals, capsys):
    source = write_tree(tmp_path / "in", originals)
    run("compress", source, tmp_path / "packed")
    capsys.readouterr()
    (tmp_path / "packed" / ".nrc").write_bytes(container.compress(b"x"))
    (tmp_path / "packed" / "sub" / ".NRC").write_bytes(container.compress(b"y"))
    assert run("decompress", tmp_path / "packed", tmp_path / "out") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("8 files: 6 written, 0 skipped (already done and verified),"
                               " 2 failed")
    assert lines[-2:] == [
        f"failed: {tmp_path / 'packed' / '.nrc'}: no name is left once .nrc is removed",
        f"failed: {tmp_path / 'packed' / 'sub' / '.NRC'}: no name is left once .nrc is removed",
    ]
    assert read_tree(tmp_path / "out") == originals


def test_what_is_not_taken_is_said_once(tmp_path, originals, capsys):
    source = write_tree(tmp_path / "in", originals)
    (source / "notes.txt").write_bytes(b"x")
    (source / "sub" / "README").write_bytes(b"x")
    (source / "folder.wav").mkdir()
    os.mkfifo(source / "fifo.wav")
    (source / "dangling.wav").symlink_to("nowhere.wav")
    assert run("compress", source, tmp_path / "packed") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("6 files: 6 written")
    assert lines[2] == ("ignored: 2 files not named *.wav, 1 FIFO, 1 dangling link,"
                        " 1 directory named *.wav")
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as z:
        z.writestr("a.wav", originals["walk.wav"])
        z.writestr("b.txt", b"x")
    assert run("compress", tmp_path / "data.zip", tmp_path / "zipped") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "ignored: 1 file not named *.wav"


def test_workers_stop_quietly_when_their_parent_is_killed(tmp_path):
    # enough files that the workers still have work when the parent dies
    source = write_tree(tmp_path / "in", {f"{i:03d}.wav": wav_file(lattice_walk(4000 + i))
                                          for i in range(200)})
    parent = subprocess.Popen(
        [sys.executable, "-m", "neurorice.cli", "compress", source, tmp_path / "packed",
         "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parent.parent)
    while len(list((tmp_path / "packed").glob("*.nrc"))) < 10:
        assert parent.poll() is None, parent.communicate()
        time.sleep(0.01)
    parent.kill()
    # the workers hold the pipes open until they end
    stdout, stderr = parent.communicate(timeout=60)
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert len(list((tmp_path / "packed").glob("*.nrc"))) < 200
    assert batch.main_compress([str(source), str(tmp_path / "packed")]) == 0


def test_a_fifo_in_the_destination_is_replaced_not_read(tmp_path, originals, capsys):
    source = write_tree(tmp_path / "in", originals)
    (tmp_path / "packed").mkdir()
    os.mkfifo(tmp_path / "packed" / "walk.wav.nrc")
    assert run("compress", source, tmp_path / "packed") == 0
    assert summary(capsys).startswith("6 files: 6 written")
    assert (tmp_path / "packed" / "walk.wav.nrc").read_bytes() == container.compress(
        originals["walk.wav"], coder=DEFAULT_CODER)


# nothing lost: what would overwrite, drop or skip data is a failure, said by name


def test_two_sources_of_one_output_are_both_refused(tmp_path, originals, capsys):
    (tmp_path / "c").mkdir()
    one = container.compress(originals["walk.wav"])
    (tmp_path / "c" / "x.nrc").write_bytes(one)
    (tmp_path / "c" / "x.NRC").write_bytes(container.compress(b"another"))
    (tmp_path / "c" / "y.nrc").write_bytes(one)
    assert run("decompress", tmp_path / "c", tmp_path / "o") == 1
    out = capsys.readouterr().out
    assert out.startswith("3 files: 1 written, 0 skipped (already done and verified), 2 failed")
    assert f"failed: {tmp_path}/c/x.NRC: {tmp_path}/c/x.nrc would be written to the same" in out
    assert not (tmp_path / "o" / "x").exists() and (tmp_path / "o" / "y").exists()


def test_an_output_that_is_a_source_is_refused(tmp_path, originals, capsys):
    # a.nrc.nrc restored in place would overwrite a.nrc before (or after) it is read
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.nrc").write_bytes(container.compress(originals["walk.wav"]))
    (tmp_path / "c" / "a.nrc.nrc").write_bytes(container.compress(b"a"))
    before = (tmp_path / "c" / "a.nrc").read_bytes()
    assert run("decompress", tmp_path / "c", tmp_path / "c") == 1
    assert "is a source file; not done" in capsys.readouterr().out
    assert (tmp_path / "c" / "a.nrc").read_bytes() == before


def test_duplicated_zip_members_are_failures(tmp_path, originals, capsys):
    archive = tmp_path / "dup.zip"
    with zipfile.ZipFile(archive, "w") as z:
        with pytest.warns(UserWarning, match="Duplicate name"):
            z.writestr("a.wav", originals["walk.wav"])
            z.writestr("a.wav", originals["real0.wav"])
        z.writestr("b.wav", originals["walk.wav"])
    assert run("compress", archive, tmp_path / "o") == 1
    out = capsys.readouterr().out
    assert out.startswith("2 files: 1 written, 0 skipped (already done and verified), 1 failed")
    assert "failed: a.wav: 2 members of the archive have this name; none is done" in out
    assert not (tmp_path / "o" / "a.wav.nrc").exists()


def test_an_unreadable_directory_is_a_failure(tmp_path, originals, capsys, monkeypatch):
    # in-process: as root every directory is readable
    source = write_tree(tmp_path / "in", {"a.wav": originals["walk.wav"],
                                          "locked/b.wav": originals["walk.wav"]})
    scandir = os.scandir

    def refusing(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    assert batch.main([str(source), str(tmp_path / "o"), "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("2 files: 1 written, 0 skipped (already done and verified), 1 failed")
    assert (f"failed: {source}/locked: cannot read the directory: Permission denied;"
            " its files are not done") in out


def test_a_link_to_a_directory_is_listed_as_ignored(tmp_path, originals, capsys):
    source = write_tree(tmp_path / "in", {"a.wav": originals["walk.wav"]})
    write_tree(tmp_path / "elsewhere", {"b.wav": originals["walk.wav"]})
    (source / "linked").symlink_to(tmp_path / "elsewhere")
    assert run("compress", source, tmp_path / "o") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("1 files: 1 written") and "ignored: 1 link to a directory" in lines


def test_a_zip_bomb_member_is_streamed_in_bounded_memory(tmp_path, capsys):
    # 160 MiB of zeros in a 160 kB zip: the worker's peak stays below the member (the
    # whole member was in memory three times over, once as its .nrc)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("zeros.wav", "w", force_zip64=True) as member:
            for _ in range(160):
                member.write(bytes(1 << 20))
    assert archive.stat().st_size < 1 << 20
    script = ("import resource, sys; from neurorice import batch;"
              f" status = batch.main([{str(archive)!r}, {str(tmp_path / 'o')!r}, '--jobs', '1']);"
              " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert int(done.stdout.split()[-1]) < 100_000  # kB, the worker's peak
    assert (tmp_path / "o" / "zeros.wav.nrc").stat().st_size < 1 << 20


def test_a_member_beyond_the_bound_is_a_failure(tmp_path, capsys, monkeypatch):
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.wav", bytes(5000))
    monkeypatch.setattr(batch, "MAX_MEMBER", 4096)
    found = batch.find_jobs(archive, tmp_path / "o", False)
    batch._start_worker.__globals__["_container"] = container
    result = batch.run_job(found.jobs[0], False)
    assert result.outcome == "failed"
    assert result.error == "the member declares 5000 bytes, more than the 4096 a member may have"


def test_a_closed_pipe_on_stdout_is_no_traceback(tmp_path, originals):
    source = write_tree(tmp_path / "in", {"a.wav": originals["walk.wav"]})
    done = subprocess.run(f"{sys.executable} -m neurorice.cli compress {source} {tmp_path}/o"
                          " | true", shell=True, capture_output=True, text=True, timeout=120,
                          check=False)
    assert "Traceback" not in done.stderr and done.stderr == ""


def test_names_are_printed_as_their_bytes(tmp_path, originals, capsysbinary):
    source = tmp_path / "in"
    source.mkdir()
    (source / os.fsdecode(b"a\xff.nrc")).write_bytes(b"not compressed")
    assert run("decompress", source, tmp_path / "o") == 1
    assert b"failed: " + os.fsencode(source) + b"/a\xff.nrc: not a neurorice" in (
        capsysbinary.readouterr().out)
