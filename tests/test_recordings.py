"""Which recordings a command runs on (:mod:`neurorice.recordings`)."""

import zipfile

import pytest

from neurorice import recordings


def test_spread_reaches_both_ends():
    names = [str(j) for j in range(10)]
    assert recordings.spread(names, None) == names
    assert recordings.spread(names, 20) == names
    assert recordings.spread(names, 1) == ["0"]
    assert recordings.spread(names, 2) == ["0", "9"]
    assert recordings.spread(names, 3) == ["0", "4", "9"]
    # the training set's 493 with --files 50: distinct, and the last one included
    many = list(range(493))
    chosen = recordings.spread(many, 50)
    assert len(set(chosen)) == 50 and chosen[0] == 0 and chosen[-1] == 492
    with pytest.raises(ValueError):
        recordings.spread(names, 0)


def test_source(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "b.wav").write_bytes(b"B")
    (tmp_path / "d" / "a.WAV").write_bytes(b"A")
    (tmp_path / "d" / "notes.txt").write_text("no")
    source = recordings.Source(tmp_path / "d")
    assert source.names == ["a.WAV", "sub/b.wav"]
    assert source.read("sub/b.wav") == b"B"
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        archive.writestr("data/x.wav", b"X")
        archive.writestr("data/Y.WAV", b"Y")
        archive.writestr("README", b"")
    source = recordings.Source(tmp_path / "data.zip")
    assert source.names == ["data/Y.WAV", "data/x.wav"] and source.read("data/x.wav") == b"X"
    assert [(r.name, r.data) for r in recordings.load(tmp_path / "data.zip", 1)] == [
        ("data/Y.WAV", b"Y")]
    single = recordings.Source(tmp_path / "d" / "a.WAV")
    assert single.names == ["a.WAV"] and single.read("a.WAV") == b"A"
    with pytest.raises(recordings.RecordingsError, match="no recordings at"):
        recordings.Source(tmp_path / "missing.zip")
    (tmp_path / "empty").mkdir()
    with pytest.raises(recordings.RecordingsError, match="no .wav recordings"):
        recordings.Source(tmp_path / "empty")


def test_codes_of_a_recording():
    import struct

    from golden import wav
    from golden.samples import CODE_TO_VALUE

    def recording(values):
        return wav.header(100, 1, len(values)) + struct.pack(f"<{len(values)}h", *values)

    on_lattice = recordings.Recording("a", recording([CODE_TO_VALUE[5], CODE_TO_VALUE[600]]))
    assert on_lattice.codes == [5, 600]
    assert recordings.Recording("b", recording([1, 2])).codes is None
