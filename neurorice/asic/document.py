"""``neurorice asic``'s report as Markdown and a figure, from its figures (the JSON) alone."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .radio import energy_label

__all__ = ["markdown", "plot", "plot_radio"]

TERMS = ("clock pins", "clock tree", "other internal", "switching on pins", "wires",
         "glitches", "memory", "leakage")
BLOCKS = ("clock", "predictor", "Rice coder", "CDF model", "range coder", "packer",
          "skid buffers", "state memory", "other", "inputs")


#: Registers shown in the report's power by register, the largest first.
REGISTERS_SHOWN = 15

#: Where a latch array's ports are (``price_memory``'s ``halves`` and ``segmented``).
_PORTS = {(False, False): "ports at its foot", (True, False): "ports at its middle",
          (True, True): "ports at its middle, write lines segmented a bank at a time"}


def _times(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.2f}"


def _period(ns):
    return f"{ns / 1000:.4g} µs" if ns >= 1000 else f"{ns:.4g} ns"


def _uw(w):
    return f"{w * 1e3:.3g} mW" if w >= 1e-3 else f"{w * 1e6:.3g} µW"


def _name(c):
    from .command import name

    return name(c)


def plot(report, path):
    configs = report["configurations"]
    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key, names in ((axes[0], "terms_w", TERMS), (axes[1], "blocks_w", BLOCKS)):
        bottom = [0.0] * len(configs)
        for name in names:
            values = [100 * c["power"][key].get(name, 0.0) / c["power"]["total_w"]
                      for c in configs]
            ax.bar(range(len(configs)), values, bottom=bottom, label=name)
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.set_xticks(range(len(configs)),
                      [f"C={c['channels']}{' LP' if c.get('low_power') else ''}\n"
                       f"{_uw(c['per_channel_w'])}/ch" for c in configs])
        ax.set(ylabel="% of the total", title=f"Power by {'term' if key == 'terms_w' else 'block'}")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path.name


def plot_radio(report, path):
    """Total power a channel (encoder and radio) against the radio's energy a bit."""
    radio = report["radio"]
    figure, ax = plt.subplots(figsize=(7, 4.5))
    energies = radio["sweep_j"]
    for r in radio["rows"]:
        totals = [(r["encoder_w"] + e * r["bit_rate"]) / r["channels"] for e in energies]
        ax.loglog([e * 1e12 for e in energies], [t * 1e6 for t in totals],
                  "--" if r["coder"] == "none" else "-", label=r["name"])
    for t in radio["transmitters"]:
        ax.axvline(t["j_per_bit"] * 1e12, color="grey", linewidth=0.8)
        ax.text(t["j_per_bit"] * 1e12, ax.get_ylim()[1], t["name"], rotation=90, fontsize=7,
                va="top", ha="right")
    ax.set(xlabel="radio energy a bit (pJ)", ylabel="encoder + radio, µW a channel",
           title=f"Encoder plus radio at {radio['rate_hz']:,} samples/s a channel")
    ax.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path.name


def radio_markdown(report, figure):
    """The section on the encoder and the radio together."""
    radio = report["radio"]
    marks = [(energy_label(e), e) for e in (1e-11, 1e-10, 1e-9, 1e-8)] + [
        (f"{t['name']} ({energy_label(t['j_per_bit'])})", t["j_per_bit"])
        for t in radio["transmitters"]]
    lines = ["## Encoder plus radio", "",
             "Bits a sample measured by coding the run's recordings with each back end (the "
             "fast path, bit-identical to the gateware); the radio at an energy a bit, a "
             "channel's share of the total:", "",
             "| configuration | bits a sample | encoder | "
             + " | ".join(label for label, _ in marks) + " |",
             "| --- | --- | --- |" + " --- |" * len(marks)]
    for r in radio["rows"]:
        lines.append(f"| {r['name']} | {r['bits_per_sample']:.3f} | "
                     f"{_uw(r['encoder_w'] / r['channels'])} | " + " | ".join(
                         _uw((r["encoder_w"] + e * r["bit_rate"]) / r["channels"])
                         for _, e in marks) + " |")
    lines += ["", "Where sending fewer bits pays for more logic:", ""]
    for pair in radio["break_even"]:
        energy = pair["break_even_j_per_bit"]
        lines.append(f"- {pair['fewer_bits']} draws less than {pair['than']} "
                     + ("at any energy a bit" if energy == 0 else "at no energy a bit"
                        if energy is None else f"above {energy_label(energy)} a bit"))
    lines += ["", "Transmitters marked:", ""]
    lines += [f"- {t['name']}: {energy_label(t['j_per_bit'])} a bit; {t['source']}"
              for t in radio["transmitters"]]
    lines += ["", f"![encoder plus radio]({figure})", ""]
    return lines


def placement_markdown(configs):
    """The placed configurations: die, wire, and the power beside the wire-load model's."""
    lines = ["## Placed wires", "",
             "Each netlist placed with GrayWolf (`neurorice/asic/placement.py`); every net's "
             "wire is its pins' rectilinear spanning tree at 1.72e-4 pF/µm (met1), the clock "
             "tree built on the placed sinks at 2.15e-4 pF/µm (met3), the layer capacitances "
             "of OpenROAD-flow-scripts' sky130hd `setRC.tcl` (`neurorice/asic/wires.py`). "
             "Beside it, the same netlist and runs priced with the library's wire-load model "
             "(the memories' lines too):",
             "", "| | " + " | ".join(_name(c) for c in configs) + " |",
             "| --- |" + " --- |" * len(configs)]
    rows = [
        ("die (µm), utilisation", lambda c: (
            f"{c['placement']['die_um'][0]:.0f} x {c['placement']['die_um'][1]:.0f}, "
            f"{100 * c['placement']['utilisation']:.1f} %")),
        ("signal wire: placed / wire-load model", lambda c: (
            f"{c['power']['wires']['length_um'] / 1e3:.1f} mm, "
            f"{c['power']['wires']['total_pf']:.2f} pF / "
            f"{c['power_wire_load_model']['wires']['total_pf']:.2f} pF")),
        ("wire by fanout 1, 2-4, 5-10, >10: placed over model", lambda c: ", ".join(
            f"x{c['power']['wires']['by_fanout_pf'][k] / v:.1f}" if v else "-"
            for k, v in c["power_wire_load_model"]["wires"]["by_fanout_pf"].items())),
    ]
    for term in TERMS:
        rows.append((f"{term}: placed / model", lambda c, term=term: (
            f"{_uw(c['power']['terms_w'].get(term, 0))} / "
            f"{_uw(c['power_wire_load_model']['terms_w'].get(term, 0))}")))
    rows.append(("**total: placed / model**", lambda c: (
        f"**{_uw(c['power']['total_w'])}** / {_uw(c['power_wire_load_model']['total_w'])}")))
    for label, value in rows:
        lines.append(f"| {label} | " + " | ".join(value(c) for c in configs) + " |")
    return lines


def markdown(report, figure, radio_figure=None):
    lines = ["# neurorice on SKY130 (`neurorice asic`)", "",
             f"Library `{report['library_name']}` ({report['library']}), {report['voltage']} V; "
             f"timing at {report['clock_mhz']} MHz; power at {report['channel_rate_hz']} "
             f"samples/s a channel, from gate-level runs with the library's cell models on "
             f"channels drawn from {report['recordings']} recordings. Built in "
             f"{report['seconds']:.0f} s.", "",
             "| channels | cells | flip-flops | area (logic + clock tree + memory) | area a "
             "channel | worst slack | max-transition / max-capacitance violations | "
             "words = golden (zero / unit delay) | power | a channel | target |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in report["configurations"]:
        s, t, e = c["synthesis"], c["timing"], c["equivalence"]
        viol = sum(t["violations"].values())
        lines.append(
            f"| {_name(c)[2:]} | {s['cell_count']} | {s['flip_flops']} | "
            f"{c['area_um2'] / 1e6:.3f} mm² | {c['area_per_channel_um2']:.0f} µm² | "
            f"{t['worst_slack_ns']:.2f} ns of {t['period_ns']:.2f} | {viol} / "
            f"{c['power'].get('max_capacitance_violations', '?')} | "
            f"{'yes' if e['zero_delay_matches_golden'] else 'NO'} / "
            f"{'yes' if e['unit_delay_matches_golden'] else 'NO'} | {_uw(c['power']['total_w'])} | "
            f"{_uw(c['per_channel_w'])} | ≤ {c['target_uw_per_channel']:g} µW "
            f"{'met' if c['target_met'] else '**missed**'} |")
    lines.append("")
    for c in report["configurations"]:
        r = c.get("repair")
        if r and r["upsized"]:
            lines.append(f"- {_name(c)}: {r['upsized']} driver(s) upsized to drive their "
                         f"{'placed' if c.get('placement') else 'wire-load'} loads within "
                         f"the library's limits"
                         + (f" ({r['in_place']} of them after the last placement, where "
                            "they stand)" if r.get("in_place") else "")
                         + (f"; {r['left']} net(s) no cell of their function can drive"
                            if r["left"] else "") + ".")
    for c in report["configurations"]:
        if not c["target_met"]:
            terms = c["power"]["terms_w"]
            worst = max(terms, key=terms.get)
            over = c["per_channel_w"] * 1e6 / c["target_uw_per_channel"]
            lines.append(f"- {_name(c)}: the target is missed by {over:.1f} times "
                         f"({_uw(c['per_channel_w'])} a channel against "
                         f"{c['target_uw_per_channel']:g} µW); the largest term is {worst}, "
                         f"{_uw(terms[worst])} ({100 * terms[worst] / c['power']['total_w']:.0f} %"
                         " of the total).")
    for c in report["configurations"]:
        e = c.get("supply_estimate")
        if e and e["timing_margin"]:
            lines.append(
                f"- {_name(c)}, **an estimate, not a measurement**: at {e['volts']:g} V "
                f"(the lowest supply the PDK characterises the library at, its slow corner; "
                f"the library here only at {e['library_volts']:g} V) every dynamic term "
                f"scales by (V / {e['library_volts']:g} V)² = {e['scale']:.3f}: "
                f"{_uw(e['total_w'])}, {_uw(e['per_channel_w'])} a channel (leakage kept at "
                f"{_uw(e['leakage_w'])}). Timing there is not checked: it holds if the cells "
                f"are at most {_times(e['timing_margin'])} times slower than at "
                f"{e['library_volts']:g} V (the critical path against the "
                f"{_period(e['period_ns'])} clock period this configuration runs at).")
    placed = [c for c in report["configurations"] if c.get("placement")]
    if placed:
        lines += [""] + placement_markdown(placed)
    if radio_figure:
        lines += [""] + radio_markdown(report, radio_figure)
    lines += ["", f"![power by term and block]({figure})", "", "## Power by term", "",
              "| term | " + " | ".join(_name(c) for c in report["configurations"])
              + " |", "| --- |" + " --- |" * len(report["configurations"])]
    for term in TERMS:
        lines.append(f"| {term} | " + " | ".join(
            f"{_uw(c['power']['terms_w'].get(term, 0))} "
            f"({100 * c['power']['terms_w'].get(term, 0) / c['power']['total_w']:.0f} %)"
            for c in report["configurations"]) + " |")
    lines += ["", "## Power by block", "",
              "| block | " + " | ".join(_name(c) for c in report["configurations"])
              + " |", "| --- |" + " --- |" * len(report["configurations"])]
    for block in BLOCKS:
        lines.append(f"| {block} | " + " | ".join(
            _uw(c["power"]["blocks_w"].get(block, 0)) for c in report["configurations"]) + " |")
    lines += ["", "## Power by register", "",
              "Each register's flip-flops (their clock pins included), the logic that feeds "
              "them (a gate counts with the first register it reaches) and its glitches; the "
              "clock tree and a modelled memory are apart. The largest "
              f"{REGISTERS_SHOWN} of each configuration:", ""]
    for c in report["configurations"]:
        registers = c["power"].get("registers_w")
        if not registers:
            continue
        total = c["power"]["total_w"]
        lines += [f"{_name(c)}:", "", "| register | power | share |", "| --- | --- | --- |"]
        for register, w in list(registers.items())[:REGISTERS_SHOWN]:
            lines.append(f"| `{register}` | {_uw(w)} | {100 * w / total:.1f} % |")
        lines.append("")
    lines += ["## How each figure was made", ""]
    for c in report["configurations"]:
        p, x = c["power"], c["opensta_cross_check"]
        tree = p["clock_tree"]
        lines += [
            f"C={c['channels']}{' low-power' if c.get('low_power') else ''} "
            f"(`{c.get('top')}`):",
            "- cells by kind: "
            + ", ".join(f"{k} {v}" for k, v in c["synthesis"]["kinds"].items()) + "; "
            f"{c['fanout_buffers']} buffers added for fanout, {c.get('clock_gates', 0)} clock "
            "gates; logic area "
            f"{c['synthesis']['area_um2']:.0f} µm², clock tree {tree['area_um2']:.0f} µm², "
            f"memory {sum(m['area_um2'] for m in c['memories']):.0f} µm²",
            f"- critical path: {c['timing']['critical_path']['from']} to "
            f"{c['timing']['critical_path']['to']}, "
            f"{c['timing']['critical_path']['arrival_ns']} ns",
            f"- power window {p['window_cycles']} cycles, {p['window_samples']} samples "
            f"({p['cycles_per_sample']:g} cycles a sample, clock {p['clock_hz'] / 1e6:.4g} MHz); "
            f"mean activity {p['activity']:.4f} toggles a net a cycle (zero delay); glitches "
            f"from a unit-delay run of {p['glitch_window_cycles']} cycles, "
            f"{p['glitch_toggle_ratio']:.2f} times the zero-delay toggles",
            (f"- clock tree built on the placed sinks: {tree['buffers']} `{tree['buffer']}` "
             f"in {tree['levels']} levels, at most {tree['fanout']} loads a buffer, "
             f"{tree['wire_um']:.0f} µm of wire; wires from the placement; "
             if tree.get("placed") else
             f"- clock tree (estimated, not built): {tree['buffers']} `{tree['buffer']}` in "
             f"{tree['levels']} levels, {tree['fanout']} loads a buffer; wire model "
             f"`{p['wire_load']}`; ")
            + f"internal energy read at {p['input_transition_ns']} ns input transition",
            f"- OpenSTA `report_power` on the same netlist at activity {p['activity']:.4f} and "
            f"the same clock: {_uw(x['opensta_w']) if x['opensta_w'] else 'n/a'} against the "
            f"flow's {_uw(x['flow_logic_w'])} for the same cells (no memory, no clock tree): "
            f"ratio {x['ratio']:.2f}" if x["ratio"] else "- OpenSTA: no power figure",
        ]
        for m in c["memories"]:
            lines.append(
                f"- state memory {m['width']} x {m['depth']}: modelled as a latch array from "
                f"library cells ({m['banks']} banks of {m['rows_per_bank']} rows, "
                f"{_PORTS[(m.get('halves', False), m.get('segmented', False))]}; "
                f"{', '.join(f'{k} {v}' for k, v in m['cells'].items())}), read "
                f"{m['read_energy_j'] * 1e12:.2f} pJ, write {m['write_energy_j'] * 1e12:.2f} pJ, "
                f"bank clock gates{' and read register' if m.get('registered_read') else ''} "
                f"{m['clock_energy_per_cycle_j'] * 1e12:.2f} pJ a cycle; "
                f"{_uw(m['total_w'])}; its data toggles a bit a cycle "
                + ("as the gate-level runs measured them on its ports"
                   if m.get("activity_measured", True) else "assumed (not dumped by the runs)")
                + " (write data with glitches "
                f"{m['data_toggles_per_cycle']['write']:.3f}, read data "
                f"{m['data_toggles_per_cycle']['read']:.3f}); the array itself is not "
                f"simulated, and its written rows' latches are assumed to change half their "
                f"bits")
        for a in c.get("latch_arrays", []):
            own, register, model = a["array"], a["read_register"], a["model"]
            simulated = own["total_w"] + (register["total_w"] if register else 0.0)
            lines.append(
                f"- state memory {a['width']} x {a['depth']}: simulated as a latch array of "
                f"{a['cells']} library cells ({a['banks']} banks of {a['rows_per_bank']} rows, "
                "`neurorice/asic/latchbank.py`), written on the clock's low phase, priced "
                f"from its own toggles with the rest: {_uw(own['total_w'])} (glitches "
                f"{_uw(own['glitches_w'])}, leakage {_uw(own['leakage_w'])})"
                + (f", and its read register's {a['read_register_flops']} flip-flops "
                   f"{_uw(register['total_w'])}" if register else "")
                + f", {_uw(simulated)} in all; the model's figure for the same array, at the "
                f"measured data activity (write {a['activity']['write']:.3f}, read "
                f"{a['activity']['read']:.3f} toggles a bit a cycle), "
                f"{_uw(model['total_w'])} ({100 * (model['total_w'] / simulated - 1):+.0f} %; "
                "not added to the total)")
        lines.append("")
    return "\n".join(lines) + "\n"
