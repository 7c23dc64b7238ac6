"""``neurorice lossy-study DATA [-o DIR] [--files N]``: the study, on all cores.

Each recording is one job (:func:`measure_recording`): every setting of every codec
(:mod:`.codecs`), measured against the original (:mod:`.metrics`). The figures pool over
recordings (:func:`pool`): the ratio is total raw bytes over total compressed bytes, as the
challenge scores; SNRs are total signal power over total error power; spike precision and
recall count every recording's spikes together.
"""

import argparse
import concurrent.futures
import ctypes
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from .. import bench
from ..batch import Progress
from . import codecs, metrics

#: Spikes of the overlay recording drawn in the waveform figure.
OVERLAY_SPIKES = 3
#: The overlay window around a spike, in samples (-1 ms .. +2 ms).
OVERLAY_WINDOW = (20, 40)


def _samples(wav_bytes):
    from golden.wav import locate_pcm16

    layout = locate_pcm16(wav_bytes)
    if layout is None or layout[2] != 1:
        raise ValueError("not a mono 16-bit PCM WAV file")
    body, count, _, rate = layout
    return np.frombuffer(wav_bytes, "<i2", count, body), body, count, rate


def measure_recording(item):
    """``(name, {setting: figures}, overlay or None)`` of ``(name, wav bytes, overlay?)``."""
    name, wav_bytes, overlay = item
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
    codes = {setting: metrics.to_codes(back) for setting, back in restored.items()}
    for setting, restored_codes in codes.items():
        figures[setting].update(metrics.measure(original, restored_codes, rate))
        figures[setting]["raw"] = len(wav_bytes)
    return name, figures, _overlay(original, codes) if overlay else None


def _overlay(original, codes):
    """The codes around the largest spikes of the original and of every setting's ``codes``."""
    before, after = OVERLAY_WINDOW
    spikes = original.spikes
    spikes = spikes[(spikes >= before) & (spikes + after < len(original.codes))]
    chosen = sorted(spikes, key=lambda t: original.spike[t - 5 : t + 10].min())[:OVERLAY_SPIKES]
    windows = {"original": [original.codes[t - before : t + after].tolist() for t in chosen]}
    for setting, restored in codes.items():
        windows[codecs.label(setting)] = [restored[t - before : t + after].tolist()
                                          for t in chosen]
    return {"spikes": [int(t) for t in chosen], "window": [-before, after], "signals": windows}


def _db(signal, error):
    return None if error == 0 else round(10 * np.log10(signal / error), 2)


def pool(per_recording):
    """The study's figures of each setting, pooled over the recordings' figures."""
    rows = []
    for setting in codecs.settings():
        entries = [figures[setting] for figures in per_recording]
        total = {key: sum(e[key] for e in entries) for key in entries[0] if key != "lag"}
        tp, found, truth = total["matched"], total["restored_spikes"], total["original_spikes"]
        precision = tp / found if found else 1.0
        recall = tp / truth if truth else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({
            "codec": setting[0], "value": setting[1], "label": codecs.label(setting),
            "ratio": round(total["raw"] / total["compressed"], 3),
            "kbit_s": round(8 * total["compressed"] / (total["raw"] / 2 / metrics.RATE) / 1000,
                            1),
            "snr_full_db": _db(total["signal_full"], total["error_full"]),
            "snr_full_gain_matched_db": _db(total["signal_full"], total["error_full_gain"]),
            "snr_spike_db": _db(total["signal_spike"], total["error_spike"]),
            "snr_lfp_db": _db(total["signal_lfp"], total["error_lfp"]),
            "max_error_codes": round(max(e["max_error"] for e in entries), 2),
            "spikes_original": truth, "spikes_restored": found, "spikes_matched": tp,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "waveform_rms_codes": round(float(np.sqrt(total["snippet_error"]
                                                      / max(1, total["snippet_samples"]))), 3),
            "waveform_rms_relative": round(float(np.sqrt(
                total["snippet_error"] / total["snippet_signal"])), 4)
            if total["snippet_signal"] else None,
            "lag_median": statistics.median(e["lag"] for e in entries),
        })
    return rows


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


def run(recordings, jobs, progress=None):
    """Measure ``recordings`` (``(name, bytes)``) on ``jobs`` processes: rows and overlay."""
    items = [(name, data, index == 0) for index, (name, data) in enumerate(recordings)]
    per_recording, overlay = [], None
    with concurrent.futures.ProcessPoolExecutor(jobs, initializer=_reuse_freed_memory) as pool_:
        for done, (name, figures, drawn) in enumerate(
                pool_.map(measure_recording, items, chunksize=1), 1):
            per_recording.append(figures)
            if drawn is not None:
                overlay = {"recording": name, **drawn}
            if progress:
                progress.update(done)
    return pool(per_recording), overlay


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="neurorice lossy-study",
        description="Near-lossless coding against MP3 and Opus: ratio, SNR, spikes.")
    parser.add_argument("data", nargs="?", default=str(bench.DEFAULT_DATA),
                        help="data.zip or a directory of .wav recordings"
                             " (default: ../shared/data/train.zip beside the repository)")
    parser.add_argument("-o", "--output", default="build/lossy-study",
                        help="directory of the report (default build/lossy-study)")
    parser.add_argument("--files", type=int, default=None,
                        help="study this many recordings, spread over the set (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="recordings measured at once (default: all cores)")
    parser.add_argument("--redraw", action="store_true",
                        help="only write the Markdown and figures again from DIR's JSON")
    args = parser.parse_args(argv)
    if args.redraw:
        from . import document

        print(", ".join(str(p) for p in document.redraw(Path(args.output))))
        return 0
    if args.jobs < 1 or args.files is not None and args.files < 1:
        parser.error("--jobs and --files must be at least 1")
    try:
        from ..fast import require

        require()
        codecs.ffmpeg()
        recordings = bench.load(args.data, args.files)
        for name, data in recordings:
            try:
                _samples(data)
            except ValueError as error:
                raise bench.BenchError(f"{name}: {error}") from None
    except (ImportError, bench.BenchError, codecs.CodecError) as error:
        print(f"neurorice lossy-study: error: {error}", file=sys.stderr)
        return 1
    from . import document

    started = time.perf_counter()
    progress = Progress(len(recordings), "lossy-study")
    try:
        rows, overlay = run(recordings, args.jobs, progress)
    except codecs.CodecError as error:
        progress.close()
        print(f"neurorice lossy-study: error: {error}", file=sys.stderr)
        return 1
    progress.close()
    seconds = time.perf_counter() - started
    paths = document.write(Path(args.output), rows, overlay, len(recordings), seconds,
                           args.jobs)
    print(f"{len(recordings)} recordings, {len(rows)} settings, {seconds:.0f} s:"
          f" {', '.join(str(p) for p in paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
