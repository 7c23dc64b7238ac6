"""Tests of ``./encode IN OUT`` and ``./decode IN OUT``, run as the challenge runs them."""

import os
import struct
import subprocess
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


def test_encode_is_arithmetic_coded_and_rice_by_option(tmp_path, recording):
    # the best mode by default (the challenge runs ./encode IN OUT); --rice the smaller one
    source, rice, arith = tmp_path / "in.wav", tmp_path / "rice.nrc", tmp_path / "arith.nrc"
    source.write_bytes(recording)
    assert run("encode", source, arith).returncode == 0
    assert run("encode", "--rice", source, rice).returncode == 0
    assert arith.read_bytes() == container.compress(recording, coder="arith")
    assert rice.read_bytes() == container.compress(recording, coder="rice")
    assert len(arith.read_bytes()) < len(rice.read_bytes())
    for packed in (rice, arith):
        assert run("decode", packed, tmp_path / "out.wav").returncode == 0
        assert (tmp_path / "out.wav").read_bytes() == recording


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
    assert result.stderr == f"usage: {tool} {'[--rice] ' if tool == 'encode' else ''}IN OUT\n"
    assert list(tmp_path.iterdir()) == []
