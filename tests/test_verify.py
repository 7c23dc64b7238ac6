"""``neurorice verify`` and ``neurorice sim``: the Verilator harness against the golden model."""

import zipfile

import pytest

from gateware.encoder import LATENCY
from gateware.predictor import WEIGHT_SPAN

from golden import wav
from neurorice import harness, sim, verify, verilog

from .recordings import training_recordings
from .test_verify_expected import walk, wav_bytes


@pytest.fixture(scope="module", autouse=True)
def build_root(tmp_path_factory):
    """Verilator builds in a temporary directory, not the work tree's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEURORICE_CACHE", str(tmp_path_factory.mktemp("build")))
        yield


@pytest.fixture(scope="module")
def executable():
    layout = harness.ports(10, 1, 32)
    return harness.build(harness.verilog_for(10, 1, 32, harness.build_root() / "v"), layout)


@pytest.mark.parametrize("width, word_width", [(10, 32), (1, 24), (16, 64)])
def test_ports_follow_the_gateware(width, word_width):
    from gateware.packer import word_layout
    from gateware.predictor import sample_layout

    layout = harness.ports(width, 3, word_width)
    assert layout.names[("i", "valid")] == "i__valid"
    assert layout.names[("o", "payload")] == "o__payload"
    for field, (shape, name) in {"sample": (sample_layout(width), "sample"),
                                 "in_last": (sample_layout(width), "last"),
                                 "word": (word_layout(word_width), "word"),
                                 "out_last": (word_layout(word_width), "last")}.items():
        assert getattr(layout, field) == (shape[name].offset, shape[name].width)
    # and the header of the generated Verilog says the same
    text = verilog.generate(width, 3, word_width)
    assert f"i__payload = {{last, sample[{width - 1}:0]}}" in text
    assert layout.in_last[0] == width and layout.out_last[0] == word_width


@pytest.mark.parametrize("idle, backpressure", [(0, 0), (0.3, 0), (0, 0.5), (0.25, 0.5)])
def test_harness_streams(executable, idle, backpressure):
    streams = [walk(700, 3), [1023] * 5, [0], walk(64, 4)]
    result = harness.run(executable, streams, idle=idle, backpressure=backpressure, seed=7)
    expected = [pair for samples in streams for pair in verify.golden_words(samples, 10)]
    assert verify.compare(expected, result.words) is None
    assert result.samples == sum(map(len, streams))
    if idle == backpressure == 0:
        # one channel: a sample every WEIGHT_SPAN cycles, and the pipeline's fill on top
        assert 0 <= result.cycles - WEIGHT_SPAN * result.samples < 4 * LATENCY


def test_harness_errors(executable):
    with pytest.raises(ValueError, match="at least one sample"):
        harness.run(executable, [[1, 2], []])
    with pytest.raises(harness.HarnessError, match="wider than 10 bits"):
        harness.run(executable, [[1024]])


def test_verify_training_extracts(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        for name, data in training_recordings(3, samples=3000):
            archive.writestr(name, data)
    for channels in (1, 2):
        assert verify.main([str(tmp_path / "data.zip"), "--channels", str(channels),
                            "--jobs", "2"]) == 0
        out = capsys.readouterr().out
        assert "files       3/3 bit-exact" in out
        assert "samples     9,000" in out
        assert "mismatches  0 word(s) in 0 file(s); 0 file(s) failed" in out
        assert "full rate and idle 0.2, backpressure 0.3" in out


def test_verify_finds_a_wrong_verilog(tmp_path, capsys):
    # The two-channel core has the ports of the one-channel core, not its output.
    wrong = tmp_path / f"{verilog.module_name(10, 2)}.v"  # built already, if under that name
    wrong.write_text(verilog.generate(10, 2, 32))
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.wav").write_bytes(wav_bytes(walk(2000, 5)))
    (tmp_path / "d" / "b.wav").write_bytes(wav_bytes([7]))  # one sample: no difference
    assert verify.main([str(tmp_path / "d"), "--verilog", str(wrong), "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH a.wav: full rate:" in out and "first at word" in out
    assert "files       1/2 bit-exact" in out


def test_verify_errors(tmp_path, capsys):
    assert verify.main([str(tmp_path / "nothing.zip")]) == 2
    assert "no recordings at" in capsys.readouterr().err
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "bad.wav").write_bytes(b"RIFF")
    assert verify.main([str(tmp_path / "d"), "--jobs", "1"]) == 1
    assert "MISMATCH bad.wav: not a 16-bit PCM WAV file" in capsys.readouterr().out
    assert verify.main([str(tmp_path / "d"), "--idle", "1"]) == 2
    assert "--idle must be in [0, 1)" in capsys.readouterr().err
    assert verify.main([str(tmp_path / "d"), "--channels", "0"]) == 2
    assert "channel count must be" in capsys.readouterr().err


def test_sim_writes_a_waveform(tmp_path, capsys):
    (_, data), = training_recordings(1)
    recording = tmp_path / "recording.wav"
    recording.write_bytes(data)
    assert sim.main([str(recording), "--samples", "500", "--idle", "0.2",
                     "--vcd", str(tmp_path / "run.vcd")]) == 0
    out = capsys.readouterr().out
    assert "recording   " in out and ": 500 samples" in out
    assert "golden      bit-exact" in out
    vcd = (tmp_path / "run.vcd").read_text()
    assert vcd.startswith("$version") and "$timescale 1ns $end" in vcd
    assert "i__valid" in vcd and "o__payload" in vcd


def test_sim_whole_recording(tmp_path, capsys):
    (_, data), = training_recordings(1)
    recording = tmp_path / "recording.wav"
    recording.write_bytes(data)
    assert sim.main([str(recording)]) == 0
    out = capsys.readouterr().out
    count = len(wav.parse_pcm16(data).samples)
    assert f": {count:,} samples" in out and "golden      bit-exact" in out
    assert sim.main([str(tmp_path / "missing.wav")]) == 2


def test_verify_near_lossless(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        for name, data in training_recordings(2, samples=4000):
            archive.writestr(name, data)
    assert verify.main([str(tmp_path / "data.zip"), "--channels", "16", "--near", "3",
                        "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "near-lossless δ = 3" in out and "files       2/2 bit-exact" in out
    # the lossless core is not the near-lossless one: the check can fail
    lossless = verilog.default_path(10, 1)
    assert verify.main([str(tmp_path / "data.zip"), "--near", "3", "--verilog", str(lossless),
                        "--jobs", "1", "--idle", "0", "--backpressure", "0"]) == 1
    assert "files       0/2 bit-exact" in capsys.readouterr().out
    assert verify.main([str(tmp_path / "data.zip"), "--near", "600"]) == 2
    assert "must be an integer 0..511, not 600" in capsys.readouterr().err


def test_verify_adc(tmp_path, capsys):
    # the ADC-aware back end's core in hdl/, against encode_stream(..., coder="adc")
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        for name, data in training_recordings(2, samples=3000):
            archive.writestr(name, data)
    assert verify.main([str(tmp_path / "data.zip"), "--coder", "adc", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "neurorice_encoder_c1_w10_adc.v" in out and "adc back end" in out
    assert "files       2/2 bit-exact" in out
    # the Rice core is not the adc one: the check can fail
    rice = verilog.default_path(10, 1)
    assert verify.main([str(tmp_path / "data.zip"), "--coder", "adc", "--verilog", str(rice),
                        "--jobs", "1", "--idle", "0", "--backpressure", "0"]) == 1
    assert "files       0/2 bit-exact" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        verify.main([str(tmp_path / "data.zip"), "--coder", "huffman"])
    assert "invalid choice: 'huffman' " in capsys.readouterr().err
