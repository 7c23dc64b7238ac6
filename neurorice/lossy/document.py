"""The study's report: JSON (every figure), Markdown (the tables) and the PNG figures."""

import json

from golden.core import DEFAULT_CODER

from . import codecs, metrics, plots, study

#: The near-lossless settings whose ratios the summary table matches MP3 and Opus to.
MATCHED_NEARS = (2, 4, 6, 8)
#: The near-lossless setting the waveform figure matches.
OVERLAY_NEAR = 4
#: How far from the uncoded original's F1 against the known spikes a setting may fall and
#: still count as keeping detection.
TRUTH_MARGIN = 0.01

NAMES = {"near": "near-lossless", "mp3": "MP3", "opus": "Opus"}


def similar(rows, ratio):
    """Per codec, the setting whose ratio is nearest ``ratio``."""
    return {codec: min((r for r in rows if r["codec"] == codec),
                       key=lambda r: abs(r["ratio"] - ratio)) for codec in plots.STYLE}


def keeps_detection(rows, original_f1, codec, margin=TRUTH_MARGIN):
    """The highest-ratio setting of ``codec`` whose F1 against the known spikes is within
    ``margin`` of the uncoded original's, or ``None``."""
    kept = [r for r in rows if r["codec"] == codec and r.get("truth_f1") is not None
            and r["truth_f1"] >= original_f1 - margin]
    return max(kept, key=lambda r: r["ratio"], default=None)


def _n(value, digits=2, exact="∞"):
    return exact if value is None else f"{value:.{digits}f}"


def _pct(value, digits=1):
    return "" if value is None else f"{100 * value:.{digits}f} %"


def _quartiles(q):
    return "–" if q is None else f"{q[1]:.3f} ({q[0]:.3f}–{q[2]:.3f})"


def _band(row, name):
    return f"{_n(row[f'{name}_snr_db'])} ({_n(row[f'{name}_gain'], 3, '1')})"


def _truth(row):
    return "–" if row.get("truth_f1") is None else f"{row['truth_f1']:.3f}"


def _kept(rows, original, codec):
    r = keeps_detection(rows, original["truth_f1"], codec)
    if r is None:
        return f"{NAMES[codec]}: none"
    return f"{NAMES[codec]}: {r['label']} (ratio {r['ratio']:.2f}, F1 {r['truth_f1']:.3f})"


def markdown(rows, result, overlay_rows, seconds, jobs):
    bands = metrics.BANDS
    edges = {name: f"{lo or 0:g}–{hi:g} Hz" if lo else f"below {hi:g} Hz"
             for name, (lo, hi) in bands.items()}
    degenerate = result["degenerate"]
    original = result.get("synthetic_original")
    lines = [
        "# Lossy study: near-lossless against MP3 and Opus",
        "",
        f"{result['recordings']} recordings and {result['synthetic']} synthetic ones with"
        f" known spikes, {len(rows)} settings; {seconds:.0f} s on {jobs} processes"
        " (`neurorice lossy-study`). Method: `neurorice/lossy/` (codecs, metrics) and the"
        " notes below. Near-lossless is coded as `./encode --near δ` codes it, with the"
        f" `{DEFAULT_CODER}` back end.",
        "",
        "Bands: the drift " + edges["drift"] + ", the LFP " + edges["lfp"]
        + " and the spike band " + edges["spike"] + "; each band's SNR (dB) is measured after"
        " that band's own level match, its gain (the restored band's least-squares level"
        " against the original's, 1 if exact) in brackets. Spike F1: detections on the"
        " restored signal against the original's (real recordings: pooled, then the"
        f" per-recording median and quartiles over the recordings with ≥ {study.MIN_SPIKES}"
        " crossings) and against the known spikes (synthetic recordings, pooled).",
        "",
        "## At matched ratios",
        "",
        "| setting | ratio | drift: power kept | drift SNR (gain) | LFP SNR (gain) |"
        " spike band SNR (gain) | spike F1 pooled | F1 per recording: median (quartiles) |"
        " F1 against known spikes | snippet correlation | trough depth error |"
        " max error (codes) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for near in MATCHED_NEARS:
        reference = next((r for r in rows if r["codec"] == "near" and r["value"] == near), None)
        if reference is None:
            continue
        for r in similar(rows, reference["ratio"]).values():
            lines.append(
                f"| {r['label']} | **{r['ratio']:.2f}** | {_pct(r['drift_kept'])} |"
                f" {_band(r, 'drift')} | {_band(r, 'lfp')} | {_band(r, 'spike')} |"
                f" {r['f1']:.3f} | {_quartiles(r['f1_quartiles'])} | {_truth(r)} |"
                f" {_n(r['waveform_correlation'], 4, '1')} | {_pct(r['trough_depth_error'])} |"
                f" {r['max_error_codes']:.0f} |")
        lines.append("| | | | | | | | | | | | |")
    lines.pop()
    if original is not None:
        lines += [
            "",
            f"The uncoded synthetic recordings' own detections find their {original['spikes']}"
            f" known spikes with F1 {original['truth_f1']:.3f} (precision"
            f" {original['truth_precision']:.3f}, recall {original['truth_recall']:.3f}: a"
            " threshold misses the spikes smaller than the noise allows): the ceiling of the"
            " column against known spikes. The settings that stay within"
            f" {TRUTH_MARGIN} of it, at their highest ratio: "
            + "; ".join(_kept(rows, original, codec) for codec in plots.STYLE) + ".",
        ]
    lines += [
        "",
        "![ratio against each band's SNR](ratio-bands.png)",
        "",
        "![ratio against spike F1](ratio-f1.png)",
        "",
        "Spikes through each codec at matched ratios: "
        + ", ".join(f"{r['label']} ({r['ratio']:.2f})" for r in overlay_rows.values())
        + "; the ADC codes above, the spike band below:",
        "",
        "![waveforms](spikes.png)",
        "",
        "## Every setting: bands",
        "",
        "| setting | ratio | kbit/s | drift: power kept | drift SNR (gain) | LFP SNR (gain) |"
        " spike band SNR (gain) | full band SNR (gain) | full band SNR, not level-matched |"
        " max error (codes) | max error, degenerate recordings included | lag |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} | {r['ratio']:.3f} | {r['kbit_s']} | {_pct(r['drift_kept'])} |"
            f" {_band(r, 'drift')} | {_band(r, 'lfp')} | {_band(r, 'spike')} |"
            f" {_band(r, 'full')} | {_n(r['full_snr_unmatched_db'])} |"
            f" {r['max_error_codes']:.2f} | {r.get('max_error_all_codes', 0):.2f} |"
            f" {r['lag_median']} |")
    lines += [
        "",
        "## Every setting: spikes",
        "",
        "| setting | precision | recall | F1 pooled | F1 per recording: median (quartiles) |"
        " waveform RMS error (codes) | snippet correlation | trough depth error |"
        " ratio on the synthetic set | against known spikes: precision | recall | F1 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    if original is not None:
        lines.append(
            f"| uncoded original | 1 | 1 | 1 | 1 | 0 | 1 | 0 | 1 |"
            f" {original['truth_precision']:.4f} | {original['truth_recall']:.4f} |"
            f" {original['truth_f1']:.4f} |")
    for r in rows:
        synthetic = ("| | | |" if r.get("truth_f1") is None else
                     f" {r['synthetic_ratio']:.3f} | {r['truth_precision']:.4f} |"
                     f" {r['truth_recall']:.4f} | {r['truth_f1']:.4f} |")
        lines.append(
            f"| {r['label']} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} |"
            f" {_quartiles(r['f1_quartiles'])} | {r['waveform_rms_codes']:.3f} |"
            f" {_n(r['waveform_correlation'], 4, '1')} | {_pct(r['trough_depth_error'], 2)} |"
            + synthetic)
    first = rows[0]
    crossings = result.get("crossings")
    lines += [
        "",
        f"Pooled over {result['recordings'] - len(degenerate)} recordings:"
        f" {first['spikes_original']} threshold crossings on the originals; per-recording F1"
        f" over the {first['f1_recordings']} with ≥ {study.MIN_SPIKES}."
        + ("" if not crossings else
           f" The {crossings['top_tenth']} recordings with the most crossings (a tenth) hold"
           f" {100 * crossings['top_tenth_share']:.0f} % of them; {crossings['none']} have"
           " none.")
        + (f" Synthetic: {first['truth_f1_recordings']} of {result['synthetic']} recordings"
           f" have ≥ {study.MIN_SPIKES} known spikes." if "truth_f1_recordings" in first
           else ""),
        "",
        "## Recordings reported apart",
        "",
    ]
    if degenerate:
        lines += [
            f"{len(degenerate)} recordings are degenerate (≥"
            f" {100 * metrics.SATURATED_SHARE:g} % of samples at code 0 or 1023, or a noise"
            f" level below {metrics.NOISE_FLOOR:g} code): they count in every ratio and in"
            " the band table's last maximum error, in no other figure.",
            "",
            "| recording | samples at a rail | noise level MAD/0.6745 (codes) |",
            "| --- | --- | --- |",
            *[f"| {d['name']} | {_pct(d['saturated'])} | {d['sigma']:.3g} |"
              for d in degenerate],
            "",
            "Their threshold crossings (threshold from a noise level of at least"
            f" {metrics.NOISE_FLOOR:g} code), original / restored / matched, at the uncoded"
            " resampling round trips: "
            + "; ".join(f"{r['label']}: {r['degenerate_spikes']['original_spikes']} /"
                        f" {r['degenerate_spikes']['restored_spikes']} /"
                        f" {r['degenerate_spikes']['matched']}"
                        for r in rows if r["codec"] == "resample" and "degenerate_spikes" in r)
            + ".",
        ]
    else:
        lines.append("None: no recording studied is saturated or too quiet for a threshold.")
    lines += [
        "",
        "## Method",
        "",
        f"Spikes: threshold crossings below −{metrics.THRESHOLD} σ, σ = MAD/0.6745 of the"
        f" original's spike band (at least {metrics.NOISE_FLOOR:g} code), one per"
        f" {metrics.REFRACTORY_S * 1e3:.0f} ms, matched within ±{metrics.MATCH_S * 1e3} ms"
        " (the restored signal's with the original's threshold; a synthetic recording's"
        " against its spikes' troughs). Filters: zero-phase Butterworth, order"
        f" {metrics.ORDER} each way, on the recording mirrored at its ends. Powers and"
        f" error powers leave out each recording's first and last {metrics.MARGIN_S:g} s"
        " (where the 1 Hz filter still rings on the recording's edges) and pool over"
        " recordings (the error's mean excluded; the maximum error includes it); a band's"
        " level-matched error is each recording's error once its restored band is scaled"
        " to fit the original best; the gain shown is the pooled one. Power kept: the restored"
        " band's power over the original's. Waveforms, in the spike band, around each"
        " original spike (−0.5…+1 ms): RMS error; snippet correlation (Pearson, mean of"
        " the spikes'); trough depth error (|restored − original| at the original's"
        " deepest sample over its depth, mean of the spikes'). Lag: the median offset"
        f" (samples) removed from MP3/Opus output (search ±{codecs.MAX_LAG}).",
        f"MP3: libmp3lame CBR at {codecs.MP3_RATE} Hz; Opus: libopus (VBR, the default) at"
        f" {codecs.OPUS_RATE} Hz; both resampled there and back to {metrics.RATE} Hz by"
        " ffmpeg's default resampler; the resampling round trips, uncoded, as references."
        " Synthetic recordings: `neurorice.synth`'s default set (seed"
        " 2024), files 0 onward, 5 s each.",
        "",
    ]
    return "\n".join(lines)


NAMES_WRITTEN = ("lossy-study.json", "lossy-study.md", "ratio-bands.png", "ratio-f1.png",
                 "spikes.png")


def write(directory, rows, result, overlay, seconds, jobs):
    """Write the report into ``directory``; the paths written."""
    seconds = round(seconds, 1)  # as the JSON keeps it, so that a redraw writes the same
    directory.mkdir(parents=True, exist_ok=True)
    reference = next(r for r in rows if r["codec"] == "near" and r["value"] == OVERLAY_NEAR)
    chosen = similar(rows, reference["ratio"])
    paths = [directory / name for name in NAMES_WRITTEN]
    original = result.get("synthetic_original")
    paths[0].write_text(json.dumps({
        **result, "seconds": round(seconds, 1), "jobs": jobs, "coder": DEFAULT_CODER,
        "bands": metrics.BANDS, "settings": rows,
        "keeps_detection": None if original is None else {
            c: keeps_detection(rows, original["truth_f1"], c) for c in plots.STYLE},
        "overlay": overlay}, indent=1, ensure_ascii=False) + "\n")
    paths[1].write_text(markdown(rows, result, chosen, seconds, jobs))
    plots.bands(rows, paths[2])
    plots.detection(rows, None if original is None else original["truth_f1"], paths[3])
    if overlay:
        plots.overlay(overlay, [r["label"] for r in chosen.values()], paths[4])
    else:
        paths.pop()
    return paths


def redraw(directory):
    """Write the Markdown and the figures of ``directory`` again from its JSON."""
    saved = json.loads((directory / "lossy-study.json").read_text())
    result = {key: saved[key] for key in ("recordings", "degenerate", "synthetic",
                                           "synthetic_original", "crossings") if key in saved}
    return write(directory, saved["settings"], result, saved["overlay"], saved["seconds"],
                 saved["jobs"])
