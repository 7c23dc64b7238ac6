"""``neurorice asic [--channels C ...] [-o DIR]``: the ASIC flow, end to end.

For each channel count: map the encoder onto the library (:mod:`.synthesis`), time it with
OpenSTA (:mod:`.sta`), run the netlist with the library's cell models on real recordings and
check every word against the golden model (:mod:`.gatesim`), price the runs' toggles
(:mod:`.power`) and the state memories (:mod:`.memory`), and cross-check with OpenSTA's
``report_power`` at the measured mean activity. Writes ``asic.md``, ``asic.json`` and
``asic_power.png`` into ``DIR`` (default ``build/asic``).
"""

import argparse
import json
import pathlib
import sys
import time

from neurorice import recordings
from neurorice.hardware import timing
from neurorice.hardware.stimulus import interleave
from neurorice.hardware.design import CHANNEL_RATE_HZ, IMPLANT_CLOCK_MHZ, Design
from neurorice.options import add_data, add_files
from neurorice.progress import Log as Progress
from neurorice.hardware.tools import CACHE, ToolError

from . import gatesim, latchbank, liberty, memory, power, radio, sta, supply
from .library_path import LibraryNotFound, locate, locate_lef
from .memory_activity import memory_activity
from .repair import repair
from .synthesis import synthesise

__all__ = ["build", "main"]

#: The implant's clock: 1024 channels at 20 kHz, a sample a clock.
CLOCK_MHZ = IMPLANT_CLOCK_MHZ
#: Targets of issue 11: µW a channel.
TARGET_UW = {1: 1.0, "many": 2.0}


def cycles_per_sample(channels, compact=False, near=0):
    """Clocks a sample takes: the predictor's loop spaces a channel's samples (the weights',
    or near-lossless, the reconstruction's), but for the compact encoder's (one a clock)."""
    from gateware.predictor import NEAR_LATENCY, WEIGHT_SPAN

    if compact:
        return 1
    span = NEAR_LATENCY if near else WEIGHT_SPAN
    if channels == 1:
        return span
    return span + 1 if channels <= span else 1


def _ports(args):
    """The latch arrays' ports, as :func:`memory.price_memory` takes them."""
    return {"halves": args.memory_ports in ("middle", "segmented"),
            "segmented": args.memory_ports == "segmented"}


def configuration(channels, coder, library, models, recs, args, progress):
    design = Design(channels, low_power=args.low_power, coder=coder, near=args.near,
                    compact=args.compact)
    progress(f"C={channels}: mapping onto {library.name} (Yosys, ABC; cached after a run)"
             + (", low-power variant with clock gating" if args.low_power else ""))
    synthesis = synthesise(design.verilog(), design.top(), library, CLOCK_MHZ,
                           clock_gating=args.low_power, memory_flops=args.memory_flops,
                           memory_latches=args.memory_latches, rows_per_bank=args.bank_rows)
    progress(f"C={channels}: {sum(synthesis.kinds(library).values())} cells, "
             f"{synthesis.area_um2:.0f} µm², {synthesis.fanout_buffers} fanout buffers")
    place = None
    if args.wires == "placed":
        from .placement import place as graywolf

        lef = locate_lef(library.path, args.lef)

        def place(module):
            progress(f"C={channels}: placing with GrayWolf at {args.utilisation:.0%} "
                     "utilisation (cached after a run)")
            placed = graywolf(module, lef, utilisation=args.utilisation)
            progress(f"C={channels}: placed in {placed.die[2] - placed.die[0]:.0f} x "
                     f"{placed.die[3] - placed.die[1]:.0f} µm, {placed.rows} rows "
                     f"({placed.seconds:.0f} s)")
            return placed
    repaired = None
    if args.memory_latches:
        # the latch arrays' decoders drive their rows unbuffered, as the model prices them
        placement = place(synthesis.module) if place is not None else None
    else:
        synthesis, placement, repaired = repair(synthesis, library, place)
        progress(f"C={channels}: {repaired['upsized']} drivers upsized to drive their "
                 f"{'placed' if place else 'wire-load'} loads, {repaired['left']} left over "
                 "their limits")
    cps = cycles_per_sample(channels, args.compact, args.near)
    window = max(args.samples_per_channel * channels * cps, args.power_cycles)
    warmup = max(args.warmup, 2 * channels * cps)
    samples = interleave(recs, channels, (warmup + window) // cps + 64)
    glitch_window = min(window, args.glitch_cycles) if args.glitch_cycles else window
    progress(f"C={channels}: zero-delay run with the cell models (Icarus): {len(samples)} "
             f"samples, power window {window} cycles")
    start = time.monotonic()
    zero, _ = gatesim.simulate(synthesis, library, models, samples, design.width,
                               design.word_width, warmup, window, glitches=False)
    measured = timing.measure(samples, zero, design.width, channels, design.word_width,
                              design.near, design.coder)
    progress(f"C={channels}: words {'match' if measured['matches_golden'] else 'DIFFER FROM'}"
             f" the golden model ({time.monotonic() - start:.0f} s)")
    glitch_zero = None
    short = interleave(recs, channels, (warmup + glitch_window) // cps + 64)
    if glitch_window < window:
        glitch_zero, _ = gatesim.simulate(synthesis, library, models, short, design.width,
                                          design.word_width, warmup, glitch_window,
                                          glitches=False)
    progress(f"C={channels}: unit-delay run, {glitch_window} cycles")
    _, unit = gatesim.simulate_unit(synthesis, library, models, short, design.width,
                                    design.word_width, warmup, glitch_window)
    unit_ok = timing.measure(short, unit, design.width, channels, design.word_width,
                             design.near, design.coder)["matches_golden"]
    rate = CHANNEL_RATE_HZ * channels
    priced = power.price(synthesis, library, zero, unit, rate, glitch_zero, placement)
    wire_load = (power.price(synthesis, library, zero, unit, rate, glitch_zero,
                             by_register=False)
                 if placement is not None else None)
    activity = memory_activity(synthesis, library, zero, unit, glitch_zero)
    memories = [memory.price_memory(library, m["width"], m["depth"], rate, rate * cps,
                                    args.bank_rows, activity.get(m["name"]),
                                    m["registered_read"],
                                    lines=args.memory_lines,
                                    **_ports(args))
                for m in synthesis.memories]
    memory_w = sum(m["total_w"] for m in memories)
    # a memory simulated as a latch array is priced with the rest, from its own toggles;
    # the model's figure for the same array stands beside it, not added
    latch_arrays = latchbank.simulated(synthesis, library, zero, unit, glitch_zero, rate)
    for a in latch_arrays:
        a["model"] = memory.price_memory(library, a["width"], a["depth"], rate, rate * cps,
                                         args.bank_rows, a["activity"], a["registered_read"],
                                         lines=args.memory_lines,
                                         **_ports(args))
    if wire_load is not None:
        # beside the placed figure, the memories' lines of the wire-load model too
        model_memory_w = sum(memory.price_memory(
            library, m["width"], m["depth"], rate, rate * cps, args.bank_rows,
            activity.get(m["name"]), m["registered_read"], lines="wire-load")["total_w"]
            for m in synthesis.memories)
        wire_load["terms_w"]["memory"] = model_memory_w
        wire_load["total_w"] += model_memory_w
        wire_load.pop("driver_wires", None)
    priced["terms_w"]["memory"] = memory_w
    priced["blocks_w"]["state memory"] = priced["blocks_w"].get("state memory", 0) + memory_w
    priced["total_w"] += memory_w
    progress(f"C={channels}: OpenSTA timing and report_power")
    timed = sta.analyse(synthesis, library, CLOCK_MHZ, priced["activity"],
                        power_clock_mhz=priced["clock_hz"] / 1e6,
                        net_loads=priced.pop("driver_wires", None))
    logic_w = priced["total_w"] - memory_w - priced["terms_w"]["clock tree"] \
        - priced["clock_tree"]["leakage_w"]
    opensta_w = timed["opensta_power"].get("total", {}).get("total")
    area = synthesis.area_um2 + priced["clock_tree"]["area_um2"] \
        + sum(m["floorplan_area_um2"] for m in memories)
    target = TARGET_UW[1 if channels == 1 else "many"]
    per_channel = priced["total_w"] / channels
    streams = [r.codes for r in recs if r.codes is not None]
    configuration = {
        "channels": channels, "low_power": args.low_power, "compact": args.compact,
        "memory_flops": args.memory_flops, "memory_latches": args.memory_latches,
        "latch_arrays": latch_arrays,
        "coder": design.coder,
        "near": design.near, "top": design.top(),
        "synthesis": synthesis.summary(library),
        "fanout_buffers": synthesis.fanout_buffers, "clock_gates": synthesis.clock_gates,
        "repair": repaired,
        "area_um2": area, "area_per_channel_um2": area / channels,
        "timing": {k: v for k, v in timed.items() if k not in ("report_checks",)},
        "critical_path_report": timed["report_checks"],
        "equivalence": {"zero_delay_matches_golden": measured["matches_golden"],
                        "unit_delay_matches_golden": unit_ok,
                        "samples": len(samples), "words": measured["words"]},
        "power": priced, "memories": memories,
        "wires": args.wires,
        "placement": placement.summary() if placement is not None else None,
        "power_wire_load_model": None if wire_load is None else {
            "total_w": wire_load["total_w"], "terms_w": wire_load["terms_w"],
            "blocks_w": wire_load["blocks_w"], "clock_tree": wire_load["clock_tree"],
            "wires": wire_load["wires"]},
        "opensta_cross_check": {"flow_logic_w": logic_w, "opensta_w": opensta_w,
                                "ratio": (opensta_w / logic_w) if opensta_w else None},
        "per_channel_w": per_channel, "target_uw_per_channel": target,
        "target_met": per_channel * 1e6 <= target,
        "radio": {"bits_per_sample": radio.bits_per_sample(streams, design.coder, design.near),
                  "recordings": len(streams)},
    }
    configuration["supply_estimate"] = supply.estimate(configuration, library.voltage)
    configuration["name"] = name(configuration)
    return configuration


def name(c):
    """A configuration's name in reports: ``C=1 low-power compact adc``."""
    return " ".join([f"C={c['channels']}"] + (["low-power"] if c["low_power"] else [])
                    + (["compact"] if c["compact"] else [])
                    + (["memory in flip-flops"] if c.get("memory_flops") else [])
                    + (["memory in latches"] if c.get("memory_latches") else [])
                    + ([c["coder"]] if c["coder"] != "rice" else [])
                    + ([f"near {c['near']}"] if c["near"] else []))


def build(args, progress):
    liberty_path, models = locate(args.liberty, args.cell_models)
    progress(f"library: {liberty_path}")
    library = liberty.read(liberty_path, CACHE)
    output = pathlib.Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    recs = recordings.load(args.data, args.files)
    start = time.monotonic()
    report = {"library": str(liberty_path), "library_name": library.name,
              "voltage": library.voltage, "clock_mhz": CLOCK_MHZ,
              "channel_rate_hz": CHANNEL_RATE_HZ, "recordings": len(recs),
              "configurations": []}
    for channels in args.channels:
        for coder in args.coder:
            report["configurations"].append(
                configuration(channels, coder, library, models, recs, args, progress))
    report["radio"] = radio.summary(report["configurations"], CHANNEL_RATE_HZ)
    report["seconds"] = time.monotonic() - start
    from .document import markdown, plot, plot_radio

    figure = plot(report, output / "asic_power.png")
    radio_figure = plot_radio(report, output / "asic_radio.png")
    (output / "asic.json").write_text(json.dumps(report, indent=1))
    (output / "asic.md").write_text(markdown(report, figure, radio_figure))
    return report


def parser():
    p = argparse.ArgumentParser(prog="neurorice asic",
                                description="Area, timing and power of the encoder on a "
                                            "standard-cell library (SKY130 sky130_fd_sc_hd).")
    p.add_argument("--channels", type=int, nargs="+", default=[1, 1024], metavar="C")
    p.add_argument("-o", "--output", default="build/asic", metavar="DIR")
    p.add_argument("--liberty", default=None, metavar="LIB",
                   help="the Liberty file (default: under $PDK_ROOT)")
    p.add_argument("--cell-models", nargs="+", default=None, metavar="V",
                   help="the cells' Verilog models (default: under $PDK_ROOT)")
    add_data(p, option=True)
    add_files(p, default=16)
    p.add_argument("--samples-per-channel", type=int, default=64, metavar="N",
                   help="the power window: N samples of every channel (default 64)")
    p.add_argument("--power-cycles", type=int, default=512, metavar="N",
                   help="the power window: at least N cycles (default 512)")
    p.add_argument("--warmup", type=int, default=512, metavar="N",
                   help="cycles before the window, at least two samples a channel")
    p.add_argument("--glitch-cycles", type=int, default=0, metavar="N",
                   help="measure glitches on the first N cycles of the window "
                        "(default: the whole window)")
    p.add_argument("--low-power", action="store_true",
                   help="the low-power ASIC variant: predictor stages load only as an item "
                        "enters, enabled flip-flops on integrated clock gates (with --compact, "
                        "the clock gates)")
    p.add_argument("--bank-rows", type=int, default=memory.ROWS_PER_BANK, metavar="N",
                   help="rows a bank of the state memories' latch arrays (default "
                        f"{memory.ROWS_PER_BANK})")
    p.add_argument("--memory-lines", choices=("floorplan", "wire-load"), default="floorplan",
                   help="the latch arrays' lines: from their floorplan (default) or the "
                        "library's wire-load model")
    p.add_argument("--memory-ports", choices=("foot", "middle", "segmented"), default="foot",
                   help="the latch arrays' floorplan: ports at the foot of the stacked banks "
                        "(default); at the middle, a write driving only the written half's "
                        "line; or at the middle with each half's line segmented a bank at a "
                        "time, a write driving it only as far as the written bank "
                        "(neurorice/asic/memory.py)")
    simulated = p.add_mutually_exclusive_group()
    simulated.add_argument("--memory-flops", action="store_true",
                           help="the state memories as flip-flop arrays (gated a row with "
                                "--low-power), synthesised and simulated with the rest, "
                                "instead of latch arrays priced by a model; for small "
                                "channel counts")
    simulated.add_argument("--memory-latches", action="store_true",
                           help="the state memories as the latch arrays the model prices, "
                                "built of library cells (neurorice/asic/latchbank.py) and "
                                "simulated and priced with the rest, the model's figure "
                                "beside them; for small channel counts")
    from ..options import add_coder

    add_coder(p, hardware=True, several=True)  # the report compares them, with a radio
    p.add_argument("--near", type=int, default=0, metavar="D",
                   help="the near-lossless encoder of error bound D (default 0, lossless)")
    p.add_argument("--compact", action="store_true",
                   help="the ASIC encoder of a sample a clock with no pipeline: the golden "
                        "model's state only, in flip-flops for one channel, else in a latch "
                        "array (lossless, Rice or adc)")
    p.add_argument("--wires", choices=("model", "placed"), default="model",
                   help="the nets' wire capacitance and the clock tree: the library's "
                        "wire-load model (default), or from a GrayWolf placement of the "
                        "netlist (neurorice/asic/wires.py; the wire-load model's figure is "
                        "reported beside it)")
    p.add_argument("--utilisation", type=float, default=0.65, metavar="U",
                   help="with --wires placed: the cells' share of the rows (default 0.65)")
    p.add_argument("--lef", default=None, metavar="LEF",
                   help="with --wires placed: the cells' LEF (default: beside the Liberty "
                        "file, ../lef/<library>.lef)")
    p.add_argument("--quiet", action="store_true")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    if not 0.05 <= args.utilisation <= 1.0:
        print("neurorice asic: error: --utilisation must be between 0.05 and 1",
              file=sys.stderr)
        return 2
    if args.compact and (set(args.coder) - {"rice", "adc"} or args.near):
        print("neurorice asic: error: --compact is lossless and Rice or adc", file=sys.stderr)
        return 2
    progress = Progress(quiet=args.quiet)
    try:
        report = build(args, progress)
    except (LibraryNotFound, FileNotFoundError, ToolError, RuntimeError) as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        print(f"neurorice asic: error: {lines[0]}"
              + (f" ({lines[-1].strip()})" if len(lines) > 1 else ""), file=sys.stderr)
        return 1
    for c in report["configurations"]:
        p = c["power"]
        print(f"{c['name']}: {c['area_um2']:.0f} µm² ({c['area_per_channel_um2']:.0f} a channel); "
              f"slack {c['timing']['worst_slack_ns']:.2f} ns at {CLOCK_MHZ} MHz; "
              f"words = golden: {c['equivalence']['zero_delay_matches_golden']}; "
              f"{p['total_w'] * 1e6:.4g} µW ({c['per_channel_w'] * 1e6:.3g} µW a channel, "
              f"target {c['target_uw_per_channel']:g}: "
              f"{'met' if c['target_met'] else 'missed'}); sends "
              f"{c['radio']['bits_per_sample']:.3f} bits a sample")
    for pair in report["radio"]["break_even"]:
        energy = pair["break_even_j_per_bit"]
        print(f"radio: {pair['fewer_bits']} draws less than {pair['than']} in all "
              + ("always" if energy == 0 else "never" if energy is None
                 else f"above {radio.energy_label(energy)} a bit"))
    return 0 if all(c["equivalence"]["zero_delay_matches_golden"]
                    for c in report["configurations"]) else 1
