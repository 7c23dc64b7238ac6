"""Tests of ``neurorice near-check``: it passes the codec, and it catches a broken bound."""

import pytest

from neurorice import nearcheck
from neurorice.fast import container as fast
from tests.recordings import training_recordings


@pytest.fixture(scope="module")
def recording():
    return next(iter(training_recordings(1, samples=20_000)))


@pytest.mark.parametrize("coder", ["adc", "rice"])
def test_passes_the_codec(recording, coder):
    failures, sizes = nearcheck.check((*recording, [0, 1, 2, 4], coder))
    assert failures == []
    assert sizes == sorted(sizes, reverse=True)


def test_catches_a_sample_off_by_more_than_near(recording, monkeypatch):
    restore = fast.decompress

    def off_by_two(data):
        restored = bytearray(restore(data))
        restored[5001] ^= 0x10  # a 16-bit value 4096 (64 codes) from its original
        return bytes(restored)

    monkeypatch.setattr(fast, "decompress", off_by_two)
    failures, _ = nearcheck.check((*recording, [0, 2], "adc"))
    assert failures[0].endswith("δ = 0: not restored byte for byte")
    assert "δ = 2: a code off by" in failures[1]


def test_command(recording, tmp_path, capsys):
    (tmp_path / "a.wav").write_bytes(recording[1])
    assert nearcheck.main([str(tmp_path), "--near", "0,3", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "δ = 3: ratio" in out and "1 recordings, δ = 0,3: 0 failures" in out
    assert nearcheck.main([str(tmp_path), "--near", "3", "--jobs", "1", "--coder", "rice"]) == 0
    rice = capsys.readouterr().out
    # the Rice code spends at least a bit a sample: a lower ratio than adc's
    assert float(rice.split("δ = 3: ratio ")[1].split()[0]) < float(
        out.split("δ = 3: ratio ")[1].split()[0])


@pytest.mark.parametrize("text", ["1,,2", "512", "-1", "x"])
def test_bad_bounds(text):
    with pytest.raises(ValueError, match="--near takes bounds 0..511"):
        nearcheck.parse_nears(text)
