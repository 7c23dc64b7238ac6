"""``neurorice lossy-study DATA [-o DIR] [--files N]``: the study, on all cores.

Each recording is one job (:func:`measure_recording`): every setting of every codec
(:mod:`.codecs`), measured against the original (:mod:`.metrics`); and so is each of
:data:`SYNTHETIC` synthetic recordings (:mod:`neurorice.synth`), whose spikes are known. The
figures pool over recordings (:func:`pool`): the ratio is total raw bytes over total
compressed bytes, as the challenge scores; a band's SNR is total signal power over total
error power (each recording's level matched); spike precision and recall count every
recording's spikes together, and the per-recording F1's quartiles stand beside them, so
that the few recordings that hold most spikes do not speak for all. Degenerate recordings
(saturated, :attr:`.metrics.Bands.degenerate`) count in the ratio only; their spike
detection is reported apart.
"""

import argparse
import ctypes
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from .. import recordings as recordings_module
from .. import synth
from ..options import add_data, add_files, add_jobs
from ..parallel import map_processes
from ..progress import Bar as Progress
from . import codecs, metrics

#: Spikes drawn in the waveform figure, each the best candidate of its recording.
OVERLAY_SPIKES = 2
#: The overlay window around a spike, in samples (-1 ms .. +2 ms).
OVERLAY_WINDOW = (20, 40)
#: A drawn spike's trough depth, in noise levels σ: a clear spike, not the largest.
OVERLAY_DEPTH = (5.0, 15.0)
#: Per-recording F1 only for recordings with at least this many spikes in the reference.
MIN_SPIKES = 10
#: Synthetic recordings with known spikes (``neurorice.synth``'s default set, indices 0…)
#: scored against their ground truth; fewer when fewer real recordings are studied.
SYNTHETIC = 48


def _samples(wav_bytes):
    from golden.wav import locate_pcm16

    layout = locate_pcm16(wav_bytes)
    if layout is None or layout[2] != 1:
        raise ValueError("not a mono 16-bit PCM WAV file")
    body, count, _, rate = layout
    return np.frombuffer(wav_bytes, "<i2", count, body), body, count, rate


def measure_recording(item):
    """The figures of one recording at every setting.

    ``item`` is ``(name, wav bytes, None)`` for a real recording, ``(name, None, index)`` for
    synthetic recording ``index`` (generated here, with its spikes' times). A dict: ``name``,
    ``synthetic``, ``degenerate``, ``sigma`` and ``saturated`` of the original, ``figures``
    (``{setting: figures}``), ``truth`` (the original's own detections against the known
    spikes, or ``None``) and ``overlay`` (a drawn spike's candidate, or ``None``).
    """
    name, wav_bytes, index = item
    truth = None
    if index is not None:
        codes, truth = synth.recording_and_spikes(index)
        wav_bytes = synth.wav_bytes(codes)
    values, body, count, rate = _samples(wav_bytes)
    original = metrics.Bands.of(metrics.to_codes(values), rate)
    restored = {}
    figures = {}
    for near in codecs.NEARS:
        size, back = codecs.near_codec(wav_bytes, near)
        restored[("near", near)] = np.frombuffer(back, "<i2", count, body)
        figures[("near", near)] = {"compressed": size, "lag": 0}
    lossy = [s for s in codecs.settings() if s[0] != "near"]
    for setting, (size, back, lag) in codecs.ffmpeg_codecs(wav_bytes, values, rate,
                                                           lossy).items():
        restored[setting] = back
        figures[setting] = {"compressed": size, "lag": lag}
    candidate = None if truth is not None or original.degenerate else _candidate(original)
    window, overlay = None, None
    if candidate is not None:
        spike, correlation = candidate
        window = slice(spike - OVERLAY_WINDOW[0], spike + OVERLAY_WINDOW[1])
        overlay = {"recording": name, "spike": spike, "correlation": round(correlation, 4),
                   "sigma": round(original.sigma, 3), "window": [-OVERLAY_WINDOW[0],
                                                                 OVERLAY_WINDOW[1]],
                   "codes": {"original": original.codes[window].tolist()},
                   "band": {"original": original.spike[window].tolist()}}
    for setting, back in restored.items():
        codes = metrics.to_codes(back)
        figures[setting].update(metrics.measure(original, codes, rate, truth, window))
        figures[setting]["raw"] = len(wav_bytes)
        if overlay is not None:
            label = codecs.label(setting)
            overlay["codes"][label] = codes[window].tolist()
            overlay["band"][label] = figures[setting].pop("window")
    if truth is not None:
        truth = {"spikes": len(truth), "detected": len(original.spikes),
                 "matched": metrics.match(truth, original.spikes, metrics.MATCH_S * rate)}
    return {"name": name, "synthetic": index is not None, "degenerate": original.degenerate,
            "sigma": original.sigma, "saturated": original.saturated, "figures": figures,
            "truth": truth, "overlay": overlay}


def _candidate(original):
    """The spike of ``original`` best drawn, or ``None``: the snippet most like the
    recording's mean spike (correlation, in the spike band), among those of a depth in
    :data:`OVERLAY_DEPTH` whose raw signal comes back to its level after the spike (a step,
    which the band-pass also turns into a trough, does not)."""
    before, after = OVERLAY_WINDOW
    spikes = original.spikes
    inside = (spikes >= before) & (spikes + after < len(original.codes))
    if inside.sum() < 3:  # a mean spike needs a few
        return None
    spikes = spikes[inside]
    offsets = np.arange(-before, after)[None, :]
    snippets = original.spike[spikes[:, None] + offsets]
    centred = snippets - snippets.mean(axis=1, keepdims=True)
    template = centred.mean(axis=0)
    correlation = centred @ template / np.sqrt(np.sum(centred**2, axis=1)
                                               * np.sum(template**2) + 1e-30)
    depth = -snippets.min(axis=1)
    raw = original.codes[spikes[:, None] + offsets]
    # the raw level 1 to 2 ms after the crossing against the level 1 to 0.4 ms before it
    steps = np.abs(np.median(raw[:, before + 20 :], axis=1)
                   - np.median(raw[:, : before - 8], axis=1))
    low, high = (edge * original.sigma for edge in OVERLAY_DEPTH)
    good = (depth >= low) & (depth <= high) & (steps < 0.25 * depth)
    if not good.any():
        return None
    best = np.flatnonzero(good)[np.argmax(correlation[good])]
    return int(spikes[best]), float(correlation[best])


def _db(signal, error):
    return None if error <= 0 else round(10 * np.log10(signal / error), 2)


def _round(value, digits=4):
    return None if value is None else round(float(value), digits)


def _quartiles(values):
    """``[first quartile, median, third quartile]`` of ``values``, or ``None`` if empty."""
    if not values:
        return None
    return [round(float(q), 4) for q in np.percentile(values, [25, 50, 75])]


def _totals(entries):
    total = {key: sum(e[key] for e in entries) for key in entries[0] if key != "lag"}
    for name in ("full", *metrics.BANDS):
        total[f"matched_error_{name}"] = sum(metrics.level_matched_error(e, name)
                                             for e in entries)
    return total


def _spikes(entries, total, prefix=""):
    """Pooled precision, recall and F1 and the per-recording F1's quartiles, of detections
    against the original's (``prefix`` "") or against the known spikes (``"truth_"``)."""
    reference_key = "truth_spikes" if prefix else "original_spikes"
    matched_key = "truth_matched" if prefix else "matched"
    tp, found, reference = total[matched_key], total["restored_spikes"], total[reference_key]
    per_recording = [metrics.f1(e[matched_key], e[reference_key], e["restored_spikes"])
                     for e in entries if e[reference_key] >= MIN_SPIKES]
    return {f"{prefix}precision": _round(tp / found if found else 1.0),
            f"{prefix}recall": _round(tp / reference if reference else 1.0),
            f"{prefix}f1": _round(metrics.f1(tp, reference, found) if reference + found else 1.0),
            f"{prefix}f1_quartiles": _quartiles(per_recording),
            f"{prefix}f1_recordings": len(per_recording)}


def pool(per_recording):
    """The study's figures of each setting, pooled over the recordings' results
    (:func:`measure_recording`): the ratio over every real recording; the quality figures
    over the real ones that are not degenerate, the spike detection of the degenerate ones
    apart; detection against ground truth over the synthetic ones."""
    real = [r for r in per_recording if not r["synthetic"]]
    live = [r for r in real if not r["degenerate"]] or real
    apart = [r for r in real if r["degenerate"]]
    synthetic = [r for r in per_recording if r["synthetic"]]
    rows = []
    for setting in codecs.settings():
        every = [r["figures"][setting] for r in real]
        entries = [r["figures"][setting] for r in live]
        total = _totals(entries)
        compressed, raw = sum(e["compressed"] for e in every), sum(e["raw"] for e in every)
        row = {"codec": setting[0], "value": setting[1], "label": codecs.label(setting),
               "ratio": round(raw / compressed, 3),
               "kbit_s": round(8 * compressed / (raw / 2 / metrics.RATE) / 1000, 1)}
        for name in ("full", *metrics.BANDS):
            band_gain, snr, kept = metrics.pooled_band(total, name)
            row[f"{name}_gain"] = _round(band_gain)
            row[f"{name}_snr_db"] = _round(snr, 2)
            row[f"{name}_kept"] = _round(kept)
            row[f"{name}_snr_unmatched_db"] = _db(total[f"signal_{name}"],
                                                  total[f"error_{name}"])
        row["max_error_codes"] = round(max(e["max_error"] for e in entries), 2)
        row["max_error_all_codes"] = round(max(e["max_error"] for e in every), 2)
        row.update({"spikes_original": total["original_spikes"],
                    "spikes_restored": total["restored_spikes"],
                    "spikes_matched": total["matched"]})
        row.update(_spikes(entries, total))
        if apart:
            rest = _totals([r["figures"][setting] for r in apart])
            row["degenerate_spikes"] = {key: rest[key] for key in
                                        ("original_spikes", "restored_spikes", "matched")}
        snippets = total["snippets"]
        row.update({
            "waveform_rms_codes": round(float(np.sqrt(total["snippet_error"]
                                                      / max(1, total["snippet_samples"]))), 3),
            "waveform_rms_relative": _round(np.sqrt(total["snippet_error"]
                                                    / total["snippet_signal"]))
            if total["snippet_signal"] else None,
            "waveform_correlation": _round(total["snippet_correlation"] / snippets)
            if snippets else None,
            "trough_depth_error": _round(total["depth_error"] / snippets) if snippets else None,
            "lag_median": statistics.median(e["lag"] for e in every)})
        if synthetic:
            made = [r["figures"][setting] for r in synthetic]
            made_total = _totals(made)
            row["synthetic_ratio"] = round(made_total["raw"] / made_total["compressed"], 3)
            row.update(_spikes(made, made_total, "truth_"))
        rows.append(row)
    return rows


def summary(per_recording):
    """What the rows do not say: the recordings reported apart, and how well the uncoded
    synthetic recordings' own detections find their known spikes."""
    result = {"recordings": sum(not r["synthetic"] for r in per_recording),
              "degenerate": [{"name": r["name"], "sigma": round(r["sigma"], 8),
                              "saturated": round(r["saturated"], 4)}
                             for r in per_recording if r["degenerate"] and not r["synthetic"]],
              "synthetic": sum(r["synthetic"] for r in per_recording)}
    counts = sorted((r["figures"][("near", 0)]["original_spikes"] for r in per_recording
                     if not r["synthetic"] and not r["degenerate"]), reverse=True)
    if counts:
        tenth = max(1, len(counts) // 10)
        result["crossings"] = {"recordings": len(counts), "total": sum(counts),
                               "none": sum(c == 0 for c in counts),
                               f"at least {MIN_SPIKES}": sum(c >= MIN_SPIKES for c in counts),
                               "top_tenth": tenth, "top_tenth_share":
                               round(sum(counts[:tenth]) / max(1, sum(counts)), 4)}
    truths = [r["truth"] for r in per_recording if r["synthetic"]]
    if truths:
        entries = [{"truth_spikes": t["spikes"], "restored_spikes": t["detected"],
                    "truth_matched": t["matched"]} for t in truths]
        total = {key: sum(e[key] for e in entries) for key in entries[0]}
        result["synthetic_original"] = {"spikes": total["truth_spikes"],
                                        "detected": total["restored_spikes"],
                                        **_spikes(entries, total, "truth_")}
    return result


def _reuse_freed_memory():
    """A worker's start: glibc's malloc keeps freed memory for the next array.

    Each setting allocates a dozen arrays of about a megabyte; by default glibc maps each
    one afresh and unmaps it when freed, and the page faults of touching them again cost,
    on this project's virtual machine, about 40 % of the study's Python time (measured).
    Elsewhere than glibc this does nothing: the same figures, more slowly.
    """
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD: its largest value, 32 MiB
    mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GiB of the heap's top
    mallopt(-2, 1 << 26)  # M_TOP_PAD: grow the heap 64 MiB at a time


def run(recordings, jobs, progress=None, synthetic=0):
    """Measure ``recordings`` (``(name, bytes)``) and ``synthetic`` synthetic recordings on
    ``jobs`` processes: the rows, the summary and the overlay (the drawn spikes)."""
    items = [(name, data, None) for name, data in recordings]
    items += [(f"synth_{index:03d}", None, index) for index in range(synthetic)]
    per_recording, candidates = [], []
    for result in map_processes(measure_recording, items, jobs, progress,
                                initializer=_reuse_freed_memory):
        candidate = result.pop("overlay")
        per_recording.append(result)
        if candidate is not None:
            # the best few so far: each recording's best spike, by its likeness to its
            # recording's mean spike
            candidates = sorted([*candidates, candidate],
                                key=lambda c: -c["correlation"])[:OVERLAY_SPIKES]
    return pool(per_recording), summary(per_recording), candidates


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="neurorice lossy-study",
        description="Near-lossless coding against MP3 and Opus: ratio, SNR, spikes.")
    add_data(parser)
    parser.add_argument("-o", "--output", default="build/lossy-study",
                        help="directory of the report (default build/lossy-study)")
    add_files(parser)
    add_jobs(parser)
    parser.add_argument("--synthetic", type=int, default=None,
                        help="synthetic recordings with known spikes scored against them"
                             f" (default: {SYNTHETIC}, or as many as the recordings if fewer)")
    parser.add_argument("--redraw", action="store_true",
                        help="only write the Markdown and figures again from DIR's JSON")
    args = parser.parse_args(argv)
    if args.redraw:
        from . import document

        print(", ".join(str(p) for p in document.redraw(Path(args.output))))
        return 0
    if args.synthetic is not None and args.synthetic < 0:
        parser.error("--synthetic must be at least 0")
    try:
        from ..fast import require

        require()
        codecs.ffmpeg()
        recordings = [(r.name, r.data)
                      for r in recordings_module.load(args.data, args.files)]
        for name, data in recordings:
            try:
                _samples(data)
            except ValueError as error:
                raise recordings_module.RecordingsError(f"{name}: {error}") from None
    except (ImportError, recordings_module.RecordingsError, codecs.CodecError) as error:
        print(f"neurorice lossy-study: error: {error}", file=sys.stderr)
        return 1
    from . import document

    synthetic = (min(SYNTHETIC, len(recordings)) if args.synthetic is None
                 else args.synthetic)
    started = time.perf_counter()
    progress = Progress(len(recordings) + synthetic, "lossy-study", log_tenths=True)
    try:
        rows, result, overlay = run(recordings, args.jobs, progress, synthetic)
    except codecs.CodecError as error:
        progress.close()
        print(f"neurorice lossy-study: error: {error}", file=sys.stderr)
        return 1
    progress.close()
    seconds = time.perf_counter() - started
    paths = document.write(Path(args.output), rows, result, overlay, seconds, args.jobs)
    print(f"{len(recordings)} recordings and {synthetic} synthetic ones, {len(rows)} settings,"
          f" {seconds:.0f} s:"
          f" {', '.join(str(p) for p in paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
