"""The study's report: JSON (every figure), Markdown (the tables) and the PNG figures."""

import json

from . import codecs, metrics, plots

#: The spike-detection agreement the summary table asks each codec to keep.
F1_TARGET = 0.99


def best_within(rows, codec, target=F1_TARGET):
    """The highest-ratio setting of ``codec`` with spike F1 ≥ ``target``, or ``None``."""
    kept = [r for r in rows if r["codec"] == codec and r["f1"] >= target]
    return max(kept, key=lambda r: r["ratio"], default=None)


def similar(rows, ratio):
    """Per codec, the setting whose ratio is nearest ``ratio``."""
    return {codec: min((r for r in rows if r["codec"] == codec),
                       key=lambda r: abs(r["ratio"] - ratio)) for codec in plots.STYLE}


def _number(value, digits=2):
    return "∞ (exact)" if value is None else f"{value:.{digits}f}"


def markdown(rows, overlay_rows, recordings, seconds, jobs):
    lines = [
        "# Lossy study: near-lossless against MP3 and Opus",
        "",
        f"{recordings} recordings, {len(rows)} settings; {seconds:.0f} s on {jobs} processes"
        " (`neurorice lossy-study`). Method: `neurorice/lossy/` (codecs, metrics).",
        "",
        f"## Settings that keep spike detection (F1 ≥ {F1_TARGET})",
        "",
        "| codec | best setting | ratio | SNR full / spike / LFP (dB) | max error (codes) |"
        " F1 | waveform RMS error |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for codec in plots.STYLE:
        r = best_within(rows, codec)
        if r is None:
            lines.append(f"| {codec} | none reaches F1 ≥ {F1_TARGET} | | | | | |")
            continue
        lines.append(
            f"| {codec} | {r['label']} | **{r['ratio']:.2f}** | {_number(r['snr_full_db'])} /"
            f" {_number(r['snr_spike_db'])} / {_number(r['snr_lfp_db'])} |"
            f" {r['max_error_codes']:.2f} | {r['f1']:.4f} |"
            f" {r['waveform_rms_codes']:.2f} codes"
            f" ({100 * (r['waveform_rms_relative'] or 0):.1f} %) |")
    lines += [
        "",
        "## Every setting",
        "",
        "| setting | ratio | kbit/s | SNR full (dB) | level-matched | SNR spike | SNR LFP |"
        " max error | precision | recall | F1 | waveform RMS (codes) | lag |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} | {r['ratio']:.3f} | {r['kbit_s']} | {_number(r['snr_full_db'])} |"
            f" {_number(r['snr_full_gain_matched_db'])} | {_number(r['snr_spike_db'])} |"
            f" {_number(r['snr_lfp_db'])} |"
            f" {r['max_error_codes']:.2f} | {r['precision']:.4f} | {r['recall']:.4f} |"
            f" {r['f1']:.4f} | {r['waveform_rms_codes']:.3f} | {r['lag_median']} |")
    lines += [
        "",
        f"Spikes: threshold crossings below −{metrics.THRESHOLD} × MAD/0.6745 of the"
        f" original band-passed {metrics.SPIKE_BAND[0]:.0f}–{metrics.SPIKE_BAND[1]:.0f} Hz"
        f" (zero-phase Butterworth, order {metrics.ORDER} each way), one per"
        f" {metrics.REFRACTORY_S * 1e3:.0f} ms, matched within ±{metrics.MATCH_S * 1e3} ms;"
        f" LFP below {metrics.LFP_EDGE:.0f} Hz. SNRs pool every recording's powers, the"
        " error's mean excluded; the maximum error includes it. Waveform RMS: the"
        " band-passed −0.5…+1 ms snippet around each original spike. Lag: the median offset"
        f" (samples) removed from MP3/Opus output (search ±{codecs.MAX_LAG}).",
        f"MP3: libmp3lame CBR at {codecs.MP3_RATE} Hz; Opus: libopus (VBR, the default) at"
        f" {codecs.OPUS_RATE} Hz; both resampled there and back to {metrics.RATE} Hz by"
        " ffmpeg's default resampler.",
        "",
        "![ratio against SNR](ratio-snr.png) ![ratio against spike F1](ratio-f1.png)",
        "",
        "Waveforms around spikes at similar ratios: "
        + ", ".join(f"{r['label']} ({r['ratio']:.2f})" for r in overlay_rows.values()),
        "",
        "![waveforms](spikes.png)",
        "",
    ]
    return "\n".join(lines)


def write(directory, rows, overlay, recordings, seconds, jobs):
    """Write the report into ``directory``; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    reference = next(r for r in rows if r["codec"] == "near" and r["value"] == 4)
    chosen = similar(rows, reference["ratio"])
    paths = [directory / name for name in
             ("lossy-study.json", "lossy-study.md", "ratio-snr.png", "ratio-f1.png",
              "spikes.png")]
    paths[0].write_text(json.dumps({
        "recordings": recordings, "seconds": round(seconds, 1), "jobs": jobs,
        "settings": rows, "f1_target": F1_TARGET,
        "best_within_f1_target": {c: best_within(rows, c) for c in plots.STYLE},
        "overlay": overlay}, indent=1, ensure_ascii=False) + "\n")
    paths[1].write_text(markdown(rows, chosen, recordings, seconds, jobs))
    top = max(r["snr_full_db"] or 0 for r in rows) + 5
    plots.ratio_against(rows, "snr_full_db", "full-band SNR (dB; lossless drawn at the top)",
                        paths[2], top)
    plots.ratio_against(rows, "f1", "spike detection F1 (original = 1)", paths[3])
    if overlay is not None:
        plots.overlay(overlay, [r["label"] for r in chosen.values()], paths[4])
    else:
        paths.pop()
    return paths


def redraw(directory):
    """Write the Markdown and the figures of ``directory`` again from its JSON."""
    result = json.loads((directory / "lossy-study.json").read_text())
    return write(directory, result["settings"], result["overlay"], result["recordings"],
                 result["seconds"], result["jobs"])
