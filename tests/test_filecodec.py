"""Tests of ``./encode IN OUT`` and ``./decode IN OUT``, run as the challenge runs them."""

import os
import resource
import signal as signals
import stat
import struct
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from golden import container

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / ".." / "shared" / "data" / "train.zip"
# no __pycache__ written into the source tree by the programs under test
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def run(tool, *args, cwd=None):
    """Run ``./tool args``; the completed process, checked never to print a traceback."""
    result = subprocess.run(
        [str(ROOT / tool), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ENV,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout == ""
    return result


def assert_failed(result, tool, directory=None):
    """``result`` is a clean failure: status 1 and one line on stderr naming the tool."""
    assert result.returncode == 1
    assert result.stderr.startswith(f"{tool}: error: "), result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    if directory is not None:
        leftovers = [p.name for p in directory.iterdir() if p.name.startswith(".neurorice-")]
        assert leftovers == [], "temporary file left behind"


def wav(samples, rate=19531, channels=1):
    size = 2 * len(samples)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + size)
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", size)
        + struct.pack(f"<{len(samples)}h", *samples)
    )


@pytest.fixture(scope="module")
def recording():
    assert TRAIN.is_file(), f"training data not found at {TRAIN.resolve()}"
    with zipfile.ZipFile(TRAIN) as archive:
        return archive.read(min(n for n in archive.namelist() if n.endswith(".wav")))


@pytest.fixture(scope="module")
def clip(recording):
    """The first 500 samples of a real recording."""
    return wav(struct.unpack_from("<500h", recording, 44))


@pytest.fixture(scope="module")
def compressed(tmp_path_factory, clip):
    """A compressed clip, made by ``./encode``."""
    directory = tmp_path_factory.mktemp("compressed")
    source, target = directory / "clip.wav", directory / "clip.nrc"
    source.write_bytes(clip)
    assert run("encode", source, target).returncode == 0
    return target.read_bytes()


def round_trip(directory, original, name="in.wav"):
    source = directory / name
    packed, unpacked = directory / f"{name}.nrc", directory / f"{name}.out"
    source.write_bytes(original)
    encoded = run("encode", source, packed)
    assert (encoded.returncode, encoded.stderr) == (0, "")
    decoded = run("decode", packed, unpacked)
    assert (decoded.returncode, decoded.stderr) == (0, "")
    assert unpacked.read_bytes() == original
    return packed.read_bytes()


# success


def test_round_trip_real_recording(tmp_path, recording):
    packed = round_trip(tmp_path, recording)
    assert len(recording) / len(packed) > 3


def test_encode_is_adc_coded_and_others_by_option(tmp_path, recording):
    # the best back end by default (the challenge runs ./encode IN OUT); --coder the others,
    # --rice the smallest hardware's
    source = tmp_path / "in.wav"
    source.write_bytes(recording)
    packed = {}
    for name, options in (("adc", []), ("arith", ["--coder", "arith"]),
                          ("rice", ["--rice"]), ("rice2", ["--coder", "rice"])):
        packed[name] = tmp_path / f"{name}.nrc"
        assert run("encode", *options, source, packed[name]).returncode == 0
    for coder in ("adc", "arith", "rice"):
        assert packed[coder].read_bytes() == container.compress(recording, coder=coder)
    assert packed["rice2"].read_bytes() == packed["rice"].read_bytes()
    sizes = {name: len(path.read_bytes()) for name, path in packed.items()}
    assert sizes["adc"] < sizes["arith"] < sizes["rice"]
    for path in packed.values():
        assert run("decode", path, tmp_path / "out.wav").returncode == 0
        assert (tmp_path / "out.wav").read_bytes() == recording


def test_encode_with_a_width_table(tmp_path, recording):
    from golden import adc
    from neurorice.widthtable import to_json

    source, table = tmp_path / "in.wav", tmp_path / "adc.json"
    source.write_bytes(recording)
    custom = adc.AdcTable([17, 15], {511: 0})
    table.write_text(to_json(custom))
    for argument, expected in ((table, custom), ("uniform", adc.UNIFORM),
                               ("implant", adc.DEFAULT)):
        out = tmp_path / "out.nrc"
        assert run("encode", "--table", argument, source, out).returncode == 0
        assert out.read_bytes() == container.compress(recording, coder="adc", table=expected)
        assert run("decode", out, tmp_path / "back.wav").returncode == 0
        assert (tmp_path / "back.wav").read_bytes() == recording


@pytest.mark.parametrize("args, message", [
    (["--coder", "zip"], "--coder must be one of rice, arith, adc, not 'zip'"),
    (["--coder", ""], "--coder must be one of rice, arith, adc, not ''"),
    (["--table", ""], "--table needs a width table"),
    (["--table", "absent.json"], "--table: cannot read width table absent.json"),
    (["--table", "bad.json"], "--table: bad.json: not a width table"),
    (["--table", "wide.json"], "--table: the width table names a code beyond 10-bit samples"),
    (["--rice", "--table", "uniform"], "--table applies to the adc back end only"),
])
def test_bad_coder_and_table_options(tmp_path, args, message):
    (tmp_path / "in.wav").write_bytes(wav([1, 2, 3]))
    (tmp_path / "bad.json").write_text("{")
    (tmp_path / "wide.json").write_text(
        '{"fraction_bits": 4, "widths": [16], "exceptions": {"5000": 3}}')
    result = run("encode", *args, "in.wav", "out.nrc", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"encode: error: {message}")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out.nrc").exists()


ORIGINALS = {
    "empty": b"",
    "text": b"hello, implant\n" * 10,
    "bytes": bytes(range(256)) * 3,
    "half a header": wav([1, 2, 3])[:30],
    "off the lattice": wav([0, 1, 2, 3, 100, -100] * 50),
}


@pytest.mark.parametrize("name", ORIGINALS)
def test_round_trip(tmp_path, name):
    round_trip(tmp_path, ORIGINALS[name])


def test_round_trip_clip(tmp_path, clip):
    round_trip(tmp_path, clip)


def test_relative_paths(tmp_path, clip):
    (tmp_path / "a.wav").write_bytes(clip)
    assert run("encode", "a.wav", "a.nrc", cwd=tmp_path).returncode == 0
    assert run("decode", "a.nrc", "b.wav", cwd=tmp_path).returncode == 0
    assert (tmp_path / "b.wav").read_bytes() == clip


def test_output_is_replaced(tmp_path, clip):
    (tmp_path / "in.wav").write_bytes(clip)
    (tmp_path / "out.nrc").write_bytes(b"old contents " * 1000)
    assert run("encode", tmp_path / "in.wav", tmp_path / "out.nrc").returncode == 0
    assert run("decode", tmp_path / "out.nrc", tmp_path / "back.wav").returncode == 0
    assert (tmp_path / "back.wav").read_bytes() == clip


def test_output_permissions_follow_umask(tmp_path, clip):
    umask = os.umask(0)
    os.umask(umask)
    (tmp_path / "in.wav").write_bytes(clip)
    run("encode", tmp_path / "in.wav", tmp_path / "out.nrc")
    run("decode", tmp_path / "out.nrc", tmp_path / "back.wav")
    for name in ("out.nrc", "back.wav"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


def test_wav_with_out_of_range_header_fields(tmp_path):
    # a 16-bit PCM file whose rate no canonical header can hold is still just bytes to keep
    original = bytearray(wav([0, 31, -32] * 200))
    original[24:28] = struct.pack("<I", 1 << 31)
    round_trip(tmp_path, bytes(original))


# failures


@pytest.mark.parametrize("tool", ["encode", "decode"])
def test_missing_input(tmp_path, tool):
    result = run(tool, tmp_path / "absent", tmp_path / "out")
    assert_failed(result, tool, tmp_path)
    assert "absent" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("tool", ["encode", "decode"])
def test_input_is_a_directory(tmp_path, tool):
    (tmp_path / "dir").mkdir()
    assert_failed(run(tool, tmp_path / "dir", tmp_path / "out"), tool, tmp_path)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("tool", ["encode", "decode"])
def test_output_in_missing_directory(tmp_path, compressed, tool):
    (tmp_path / "in").write_bytes(compressed)
    result = run(tool, tmp_path / "in", tmp_path / "nowhere" / "out")
    assert_failed(result, tool)
    assert "cannot write" in result.stderr
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("tool", ["encode", "decode"])
def test_output_is_a_directory(tmp_path, compressed, tool):
    (tmp_path / "in").write_bytes(compressed)
    (tmp_path / "out").mkdir()
    assert_failed(run(tool, tmp_path / "in", tmp_path / "out"), tool, tmp_path)
    assert (tmp_path / "out").is_dir() and not any((tmp_path / "out").iterdir())


def corruptions(compressed):
    """Named broken compressed files."""
    flipped = bytearray(compressed)
    flipped[len(flipped) // 2] ^= 0x10
    huge = bytearray(b"NRC\x01\x01\x01\x01\x80\x80\x80\x80\x10\x01\xcb\x98\x01")
    return {
        "garbage": b"this is not a compressed recording",
        "empty": b"",
        "a WAV": wav([1, 2, 3]),
        "truncated": compressed[: len(compressed) - 5],
        "header only": compressed[:12],
        "corrupted": bytes(flipped),
        "crc flipped": compressed[:14] + bytes([compressed[14] ^ 1]) + compressed[15:],
        "appended": compressed + b"\x00\x01",
        "huge count": bytes(huge) + b"\x00" * 20,
    }


CORRUPTIONS = [
    "garbage",
    "empty",
    "a WAV",
    "truncated",
    "header only",
    "corrupted",
    "crc flipped",
    "appended",
    "huge count",
]


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_decode_refuses(tmp_path, compressed, name):
    source = tmp_path / "broken.nrc"
    source.write_bytes(corruptions(compressed)[name])
    result = run("decode", source, tmp_path / "out.wav")
    assert_failed(result, "decode", tmp_path)
    assert str(source) in result.stderr
    assert not (tmp_path / "out.wav").exists()


@pytest.mark.parametrize("name", ["garbage", "truncated", "corrupted"])
def test_decode_leaves_existing_output_alone(tmp_path, compressed, name):
    source, target = tmp_path / "broken.nrc", tmp_path / "out.wav"
    source.write_bytes(corruptions(compressed)[name])
    target.write_bytes(b"precious")
    assert_failed(run("decode", source, target), "decode", tmp_path)
    assert target.read_bytes() == b"precious"


def test_encode_leaves_existing_output_alone(tmp_path):
    target = tmp_path / "out.nrc"
    target.write_bytes(b"precious")
    assert_failed(run("encode", tmp_path / "absent.wav", target), "encode", tmp_path)
    assert target.read_bytes() == b"precious"


@pytest.mark.parametrize("tool", ["encode", "decode"])
@pytest.mark.parametrize(
    "args", [[], ["one"], ["one", "two", "three"], ["-h", "out"], ["--help", "x"]]
)
def test_usage(tmp_path, tool, args):
    result = run(tool, *args, cwd=tmp_path)
    assert result.returncode == 2
    options = "[--coder rice|arith|adc] [--table FILE] [--near D] " if tool == "encode" else ""
    assert result.stderr == f"usage: {tool} {options}[--] IN OUT\n"
    assert list(tmp_path.iterdir()) == []


# special files: as xz and zstd treat them


def test_dash_is_standard_input_and_output(clip):
    encoded = subprocess.run([ROOT / "encode", "-", "-"], input=clip, capture_output=True,
                             env=ENV, timeout=60, check=True)
    decoded = subprocess.run([ROOT / "decode", "-", "-"], input=encoded.stdout,
                             capture_output=True, env=ENV, timeout=60, check=True)
    assert (encoded.stderr, decoded.stderr) == (b"", b"")
    assert decoded.stdout == clip


def test_output_to_a_fifo_is_written_as_a_stream(tmp_path, clip, compressed):
    (tmp_path / "in.wav").write_bytes(clip)
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = run("encode", tmp_path / "in.wav", fifo)
    assert (result.returncode, result.stderr) == (0, "")
    assert reader.communicate(timeout=60)[0] == compressed
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.wav", "out"]


def test_output_to_a_character_device_stays_a_device(tmp_path, compressed):
    # a null device as OUT; as root, a private one, so that a regression (which would
    # replace the device with a file) cannot break the machine's /dev/null
    (tmp_path / "in.nrc").write_bytes(compressed)
    device = Path("/dev/null")
    if os.geteuid() == 0:
        device = tmp_path / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    assert run("decode", tmp_path / "in.nrc", device).returncode == 0
    assert device.is_char_device()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".neurorice-")]


def test_output_through_a_symlink_replaces_its_target(tmp_path, clip, compressed):
    (tmp_path / "in.wav").write_bytes(clip)
    (tmp_path / "target.nrc").write_bytes(b"old")
    (tmp_path / "link.nrc").symlink_to("target.nrc")
    assert run("encode", tmp_path / "in.wav", tmp_path / "link.nrc").returncode == 0
    assert (tmp_path / "link.nrc").is_symlink()
    assert (tmp_path / "target.nrc").read_bytes() == compressed


def test_a_dangling_symlink_as_output_is_refused(tmp_path, clip):
    # as GNU cp: a link planted in a shared directory must not create a file anywhere
    (tmp_path / "in.wav").write_bytes(clip)
    (tmp_path / "dangling.nrc").symlink_to("new.nrc")
    result = run("encode", tmp_path / "in.wav", tmp_path / "dangling.nrc")
    assert_failed(result, "encode", tmp_path)
    assert "symbolic link to a file that does not exist" in result.stderr
    assert not (tmp_path / "new.nrc").exists()


# signals: one line, exit 128 + the signal, no OUT and no temporary file, at once


@pytest.fixture(scope="module")
def long_recording(tmp_path_factory, recording):
    """A real recording repeated to 64 MB, with its compressed form: about a second each way
    in the C core."""
    directory = tmp_path_factory.mktemp("long")
    body = recording[44:] * ((64 << 20) // (len(recording) - 44))
    source = directory / "long.wav"
    source.write_bytes(wav([]).replace(b"data\0\0\0\0", b"data" + struct.pack("<I", len(body)))
                       + body)
    assert run("encode", source, directory / "long.nrc").returncode == 0
    return source, directory / "long.nrc"


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("tool", ["encode", "decode"])
@pytest.mark.parametrize("signal, status, message", [(2, 130, "interrupted"),
                                                     (15, 143, "terminated")])
def test_a_signal_stops_at_once(tmp_path, long_recording, tool, signal, status, message):
    source = long_recording[0 if tool == "encode" else 1]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # as from a terminal: a shell's background job (``cmd &``, nohup) would hand the tool
    # SIGINT ignored, and an ignored signal stays ignored (the next test)
    process = subprocess.Popen([ROOT / tool, source, tmp_path / "out"], env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signals.signal(signal, signals.SIG_DFL))
    # well into the work: past start-up and reading, in the C core's calls
    while (at_signal := cpu_seconds(process.pid)) < 0.25:
        assert process.poll() is None, process.communicate()
    process.send_signal(signal)
    sent = time.perf_counter()
    stdout, stderr = process.communicate(timeout=60)
    waited = time.perf_counter() - sent
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # at once: the process spent almost no CPU after the signal (the work it left takes
    # three times as much), and the wall clock, which a busy machine stretches, stays short
    assert used - at_signal < 0.25, f"{used - at_signal:.2f} CPU seconds after the signal"
    assert waited < 5
    assert (process.returncode, stdout, stderr) == (status, "", f"{tool}: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_an_ignored_signal_stays_ignored(tmp_path, long_recording):
    """Under ``nohup`` or as a background job, SIGINT is ignored when the tool starts, and
    the tool leaves it so: it finishes its work."""
    process = subprocess.Popen([ROOT / "encode", long_recording[0], tmp_path / "out"],
                               env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True,
                               preexec_fn=lambda: signals.signal(signals.SIGINT,
                                                                 signals.SIG_IGN))
    while cpu_seconds(process.pid) < 0.25:
        assert process.poll() is None, process.communicate()
    process.send_signal(signals.SIGINT)
    assert process.communicate(timeout=120) == ("", "")
    assert process.returncode == 0
    assert (tmp_path / "out").read_bytes() == long_recording[1].read_bytes()


# decompression bombs


def test_decode_checks_the_header_before_reading_on(tmp_path):
    # /dev/zero has no end: the magic is wrong after 3 bytes
    started = time.perf_counter()
    result = run("decode", "/dev/zero", tmp_path / "out")
    assert time.perf_counter() - started < 5
    assert_failed(result, "decode", tmp_path)
    assert "bad magic" in result.stderr and not (tmp_path / "out").exists()


def test_decode_refuses_an_old_bomb_within_bounded_memory(tmp_path):
    import lzma

    # 272 MiB of zeros in 40 kB of a version 2 stored file, which may not exceed 256 MiB
    bomb = lzma.compress(bytes(272 << 20), preset=0)
    (tmp_path / "bomb.nrc").write_bytes(b"NRC\x02\x00\x01" + bytes(4) + bomb)
    limit = 512 << 20
    result = subprocess.run(
        [ROOT / "decode", tmp_path / "bomb.nrc", tmp_path / "out"], capture_output=True,
        text=True, env=ENV, timeout=60, check=False,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    assert_failed(result, "decode", tmp_path)
    assert "more than the 268435456 bytes" in result.stderr
    assert not (tmp_path / "out").exists()


def open_in(pid, directory):
    """The files that process ``pid`` has open in ``directory``."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith(f"{directory}/"):
            found.append(target)
    return found


def test_kill_9_while_writing_leaves_nothing(tmp_path, long_recording):
    # the 64 MB output goes to an unnamed file, which vanishes with the process
    process = subprocess.Popen([ROOT / "decode", long_recording[1], tmp_path / "out.wav"],
                               env=ENV, stderr=subprocess.PIPE)
    while not (writing := open_in(process.pid, tmp_path)):
        assert process.poll() is None, "finished before it was seen writing"
    process.kill()
    process.communicate(timeout=60)
    assert writing[0].endswith(" (deleted)"), writing
    assert list(tmp_path.iterdir()) == []


# near-lossless: ./encode --near D IN OUT


def adc_codes(wav_bytes):
    from golden.samples import VALUE_TO_CODE

    values = struct.unpack_from(f"<{(len(wav_bytes) - 44) // 2}h", wav_bytes, 44)
    return [VALUE_TO_CODE[v] for v in values]


@pytest.mark.parametrize("near", [1, 2, 4])
def test_near_round_trip_real_recording(tmp_path, recording, near):
    source, packed, unpacked = tmp_path / "in.wav", tmp_path / "in.nrc", tmp_path / "out.wav"
    source.write_bytes(recording)
    encoded = run("encode", "--near", near, source, packed)
    assert (encoded.returncode, encoded.stderr) == (0, "")
    decoded = run("decode", packed, unpacked)
    assert (decoded.returncode, decoded.stderr) == (0, "")
    restored = unpacked.read_bytes()
    assert restored[:44] == recording[:44] and len(restored) == len(recording)
    errors = [abs(a - b) for a, b in zip(adc_codes(recording), adc_codes(restored))]
    assert max(errors) == near
    assert len(recording) / packed.stat().st_size > 3.5


def test_near_zero_is_lossless(tmp_path, recording):
    (tmp_path / "in.wav").write_bytes(recording)
    assert run("encode", "--near", "0", "in.wav", "a.nrc", cwd=tmp_path).returncode == 0
    assert run("encode", "in.wav", "b.nrc", cwd=tmp_path).returncode == 0
    assert (tmp_path / "a.nrc").read_bytes() == (tmp_path / "b.nrc").read_bytes()


@pytest.mark.parametrize("name", ["text", "off the lattice"])
def test_near_other_files_stay_lossless(tmp_path, name):
    source = tmp_path / "in"
    source.write_bytes(ORIGINALS[name])
    encoded = run("encode", "--near", "3", source, tmp_path / "in.nrc")
    assert encoded.returncode == 0
    assert encoded.stderr == (
        f"encode: {source} is not a WAV file of 10-bit ADC codes: coded losslessly\n")
    assert run("decode", tmp_path / "in.nrc", tmp_path / "out").returncode == 0
    assert (tmp_path / "out").read_bytes() == ORIGINALS[name]


@pytest.mark.parametrize("value", ["-1", "512", "two", "1.5", "", "²"])
def test_near_bad_bound(tmp_path, value):
    (tmp_path / "in.wav").write_bytes(wav([1, 2, 3]))
    result = run("encode", "--near", value, "in.wav", "out.nrc", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"encode: error: --near must be an integer 0..511 (ADC codes), not {value!r}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.wav"]


def test_near_is_not_a_decode_option(tmp_path):
    result = run("decode", "--near", "2", "a", "b", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "usage: decode [--] IN OUT\n")


# paths and names: nothing lost, one line for every refusal


@pytest.mark.parametrize("tool, options", [("encode", []), ("encode", ["--near", "8"]),
                                           ("decode", [])])
def test_output_that_is_the_input_is_refused(tmp_path, clip, compressed, tool, options):
    source = tmp_path / "x"
    source.write_bytes(clip if tool == "encode" else compressed)
    before = source.read_bytes()
    (tmp_path / "link").symlink_to("x")
    for out in (source, tmp_path / "link"):
        result = run(tool, *options, source, out)
        assert_failed(result, tool, tmp_path)
        assert "it is the input file itself" in result.stderr
        assert source.read_bytes() == before
    # standard input and output: the same file through a redirection
    with open(source, "rb") as stdin, open(source, "r+b") as stdout:
        result = subprocess.run([ROOT / tool, "-", "-"], stdin=stdin, stdout=stdout,
                                stderr=subprocess.PIPE, env=ENV, timeout=60, check=False)
    assert result.returncode == 1 and b"standard output is the input file" in result.stderr
    assert source.read_bytes() == before


def test_an_existing_output_keeps_its_mode(tmp_path, clip):
    (tmp_path / "in.wav").write_bytes(clip)
    out = tmp_path / "out.nrc"
    out.write_bytes(b"old")
    out.chmod(0o600)
    assert run("encode", tmp_path / "in.wav", out).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.read_bytes() != b"old"


def test_an_output_the_user_may_not_write_is_refused(tmp_path, monkeypatch):
    # in-process: the tests may run as root, who may write anything
    from neurorice import output

    out = tmp_path / "out"
    out.write_bytes(b"theirs")
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(output.OutputError, match="Permission denied"):
        output.write(str(out), b"mine")
    assert out.read_bytes() == b"theirs"


@pytest.mark.parametrize("tool", ["encode", "decode"])
def test_a_trailing_slash_on_output_is_refused(tmp_path, clip, compressed, tool):
    (tmp_path / "in").write_bytes(clip if tool == "encode" else compressed)
    (tmp_path / "file").write_bytes(b"old")
    for out in ("newdir/", "file/"):
        result = run(tool, tmp_path / "in", f"{tmp_path}/{out}")
        assert_failed(result, tool, tmp_path)
        assert "Not a directory" in result.stderr
    assert not (tmp_path / "newdir").exists() and (tmp_path / "file").read_bytes() == b"old"


def _run_raw(tool, *args, **keywords):
    keywords = {"stdout": subprocess.PIPE, **keywords}
    result = subprocess.run([ROOT / tool, *args], stderr=subprocess.PIPE, env=ENV,
                            timeout=60, check=False, **keywords)
    assert b"Traceback" not in result.stderr and b"Fatal Python error" not in result.stderr
    return result


def test_closed_standard_streams_are_one_line_errors(tmp_path, clip):
    (tmp_path / "in.wav").write_bytes(clip)
    closed_out = _run_raw("encode", tmp_path / "in.wav", "-", stdout=subprocess.DEVNULL,
                          preexec_fn=lambda: os.close(1))
    assert closed_out.returncode == 1
    assert closed_out.stderr == (b"encode: error: cannot write standard output:"
                                 b" Bad file descriptor\n")
    closed_in = _run_raw("encode", "-", tmp_path / "o.nrc", stdin=subprocess.DEVNULL,
                         preexec_fn=lambda: os.close(0))
    assert closed_in.returncode == 1
    assert closed_in.stderr == b"encode: error: cannot read standard input: Bad file descriptor\n"
    assert not (tmp_path / "o.nrc").exists()


@pytest.mark.parametrize("tool", ["encode", "decode"])
def test_a_directory_as_standard_input_is_a_one_line_error(tmp_path, tool):
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        result = _run_raw(tool, "-", tmp_path / "o", stdin=fd)
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert result.stderr == f"{tool}: error: cannot read standard input: Is a directory\n".encode()


def test_a_huge_near_is_the_usage_error(tmp_path, clip):
    (tmp_path / "in.wav").write_bytes(clip)
    result = run("encode", "--near", "9" * 5000, tmp_path / "in.wav", tmp_path / "o")
    assert result.returncode == 2 and result.stderr.startswith("encode: error: --near must")
    # one short line: the value is cut, not echoed in full
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 200


def test_double_dash_ends_the_options(tmp_path, clip):
    (tmp_path / "-x.wav").write_bytes(clip)
    assert run("encode", "--coder", "rice", "--", "-x.wav", "-x.nrc", cwd=tmp_path).returncode == 0
    assert run("decode", "--", "-x.nrc", "-y.wav", cwd=tmp_path).returncode == 0
    assert (tmp_path / "-y.wav").read_bytes() == clip


def test_names_are_printed_as_their_bytes(tmp_path):
    name = os.fsencode(tmp_path) + b"/a\xff.wav"
    result = _run_raw("encode", name, os.fsencode(tmp_path) + b"/o")
    assert result.returncode == 1
    assert result.stderr == b"encode: error: cannot read " + name + b": No such file or directory\n"


# streaming: bounded memory, and what a pipe gives


def test_standard_input_that_is_a_pipe_is_encoded(tmp_path, clip):
    (tmp_path / "in.wav").write_bytes(clip)
    encoded = subprocess.run(f"cat {tmp_path}/in.wav | {ROOT}/encode - -", shell=True,
                             capture_output=True, env=ENV, timeout=60, check=False)
    assert encoded.returncode == 0 and container.decompress(encoded.stdout) == clip


def test_a_long_recording_is_coded_in_pieces_in_bounded_memory(tmp_path, long_recording):
    # the 64 MB recording: more than one piece of 2^23 samples, and a peak far below it
    source = long_recording[0]
    packed, back = tmp_path / "x.nrc", tmp_path / "x.wav"
    for tool, args in (("encode", (source, packed)), ("decode", (packed, back))):
        result = subprocess.run(["/usr/bin/time", "-f", "%M", ROOT / tool, *args],
                                capture_output=True, text=True, env=ENV, timeout=120,
                                check=True)
        assert int(result.stderr.split()[-1]) < 100_000, (tool, result.stderr)  # kB
    count = (source.stat().st_size - 44) // 2
    assert packed.read_bytes()[7 + len(container._varint(count))] & container.PIECES
    assert back.read_bytes() == source.read_bytes()
