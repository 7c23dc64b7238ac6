#!/usr/bin/env python3
"""Reproduce the predictor and Rice-parameter comparison behind the golden model.

Builds ``variants.c``, converts the training recordings to 10-bit ADC codes, fits the
global least-squares baseline, runs every variant and prints a Markdown table sorted by
the challenge's compression ratio. It also checks that the C model of the chosen design
codes the first files to exactly as many bytes as ``golden.core.encode``.

    python tools/study/run.py [DATA] [--files N] [--step S] [--jobs J]

DATA is the challenge's data.zip or a directory of .wav files; by default
``../shared/data/train.zip`` next to the repository.
"""

import argparse
import math
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import nullcontext
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from golden import container, core, samples, wav  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "train.zip"
CHOSEN = ("chosen", "an256")
CHECK_FILES = 3
LS_ORDER = 8
WEIGHT_FRAC = 14

# (predictor, Rice parameter rule): see variants.c for the names
PREDICTORS = ["delta", "linear2", "ls8", "chosen"] + [
    f"lms-d{taps}{extra}" for extra in ("", "+avg") for taps in (4, 8, 16, 32)
]
RULES = ["an64", "an128", "exp5", "exp8", "golomb", "activity"]
# hindsight bounds: per-file least squares of these orders, fitted on the whole file
HINDSIGHT_ORDERS = (16, 32)
HINDSIGHT = [f"ls{order}-file" for order in HINDSIGHT_ORDERS]
VARIANTS = ([(p, "an256") for p in PREDICTORS] + [("chosen", r) for r in RULES]
            + [(p, "an256") for p in HINDSIGHT])

DESCRIPTIONS = {
    "delta": "previous sample",
    "linear2": "2 x[n-1] - x[n-2]",
    "ls8": f"fixed global least-squares weights, {LS_ORDER} differences",
    "chosen": "sign-sign LMS, 2 differences + averages (shifts 3, 8)",
    "an64": "A/N, RESET 64",
    "an128": "A/N, RESET 128",
    "an256": "A/N, RESET 256",
    "exp5": "exponential mean of magnitudes, 32 samples",
    "exp8": "exponential mean of magnitudes, 256 samples",
    "golomb": "Golomb, m in {2^k, 3 2^(k-1)}, m >= 1.25 A/N",
    "activity": "A/N in 3 activity contexts",
}


def describe(predictor):
    if predictor in HINDSIGHT:
        return (f"**hindsight bound (not causal, not a codec)**: least squares fitted on "
                f"each whole file, x[n-1..n-{predictor[2:-5]}] + constant")
    if predictor.startswith("lms-d"):
        taps, _, extra = predictor[5:].partition("+")
        return f"sign-sign LMS, {taps} differences" + (" + slow average" if extra else "")
    return DESCRIPTIONS[predictor]


def recordings(source):
    """``(name, wav bytes)`` of every recording of a zip file or a directory, by name
    (:class:`neurorice.recordings.Source`)."""
    from neurorice.recordings import RecordingsError, Source

    try:
        found = Source(source)
    except RecordingsError as error:
        sys.exit(f"run.py: {error}")
    with zipfile.ZipFile(found.path) if found.kind == "zip" else nullcontext() as archive:
        for name in found.names:
            yield Path(name).name, archive.read(name) if archive else found.read(name)


def load(source, files, step):
    """The selected files as ``(name, wav bytes, codes)``; off-lattice files are skipped."""
    selected = []
    for index, (name, blob) in enumerate(recordings(source)):
        if index % step:
            continue
        if files is not None and len(selected) >= files:
            break
        pcm = wav.parse_pcm16(blob)
        codes = None if pcm is None or pcm.channels != 1 else samples.values_to_codes(pcm.samples)
        if codes is None:
            print(f"note: skipping {name}: not mono 16-bit PCM on the 10-bit lattice",
                  file=sys.stderr)
            continue
        selected.append((name, blob, np.array(codes, dtype=np.int16)))
    if not selected:
        sys.exit(f"run.py: no usable recordings in {source}")
    return selected


def write_streams(path, streams):
    """The input format of variants.c: int32 count, int32 lengths, int16 codes."""
    with open(path, "wb") as out:
        out.write(struct.pack(f"<i{len(streams)}i", len(streams), *map(len, streams)))
        for codes in streams:
            out.write(codes.astype("<i2").tobytes())


def least_squares_weights(streams, order=LS_ORDER):
    """Q14 weights predicting x[n] - x[n-1] from the previous ``order`` differences,
    least squares pooled over all files (fitted on the data it is scored on: a bound
    for any fixed linear predictor of this order)."""
    gram = np.zeros((order, order))
    cross = np.zeros(order)
    for codes in streams:
        d = np.diff(codes.astype(np.float64))
        lagged = np.stack([d[order - 1 - i : len(d) - 1 - i] for i in range(order)], axis=1)
        target = d[order:]
        gram += lagged.T @ lagged
        cross += lagged.T @ target
    weights = np.linalg.solve(gram, cross)
    return [int(round(w * (1 << WEIGHT_FRAC))) for w in weights]


def hindsight_predictions(codes, order):
    """Per-file least-squares prediction of x[n] from x[n-1..n-order] and a constant,
    fitted on the whole file (normal equations), rounded and clamped to the code range;
    the first ``order`` samples are predicted by the previous one (the midpoint first).
    Not causal: a bound for any linear predictor of this order, not a codec."""
    x = codes.astype(np.float64)
    prediction = np.empty(len(x), dtype=np.int64)
    prediction[0] = 1 << (samples.CODE_BITS - 1)
    prediction[1:] = codes[:-1]
    if len(x) > 2 * order + 1:
        lagged = np.lib.stride_tricks.sliding_window_view(x[:-1], order)[:, ::-1]
        design = np.hstack([lagged, np.ones((len(lagged), 1))])   # x[n-1], ..., 1
        target = x[order:]
        weights = np.linalg.lstsq(design.T @ design, design.T @ target, rcond=None)[0]
        fitted = np.floor(design @ weights + 0.5)
        prediction[order:] = np.clip(fitted, 0, (1 << samples.CODE_BITS) - 1)
    return prediction.astype(np.int16)


def run_variant(binary, streams_path, header, predictor, rule, weights, per_file=False,
                predictions=None):
    if predictor in HINDSIGHT:
        command = [str(binary), str(streams_path), str(header), "given", rule,
                   str(predictions[predictor])]
    else:
        command = [str(binary), str(streams_path), str(header), predictor, rule]
    if predictor == "ls8":
        command += [str(w) for w in weights]
    if per_file:
        command.append("-f")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    lines = output.split("\n")
    fields = lines[-2].split()
    result = {fields[i]: float(fields[i + 1]) for i in range(0, len(fields), 2)}
    result["files"] = [int(line.split()[3]) for line in lines if line.startswith("file ")]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA,
                        help="data.zip or a directory of .wav files (default: %(default)s)")
    parser.add_argument("--files", type=int, help="use at most N files")
    parser.add_argument("--step", type=int, default=1, help="use every S-th file")
    parser.add_argument("--jobs", type=int, default=2, help="variants run in parallel")
    options = parser.parse_args()
    if options.step < 1 or (options.files is not None and options.files < 1):
        parser.error("--files and --step must be positive")

    started = time.time()
    selected = load(options.data, options.files, options.step)
    streams = [codes for _, _, codes in selected]
    count = sum(map(len, streams))
    print(f"{len(selected)} files, {count} samples from {options.data}", file=sys.stderr)

    # container overhead and golden reference for the first files (slow: pure Python)
    checked = selected[:CHECK_FILES]
    golden_bytes = [len(core.encode(codes.tolist(), samples.CODE_BITS)) for _, _, codes in checked]
    header = len(container.compress(checked[0][1])) - golden_bytes[0]
    weights = least_squares_weights(streams)

    with tempfile.TemporaryDirectory(prefix="nr-study-") as temp:
        temp = Path(temp)
        binary = temp / "variants"
        compiler = shutil.which("cc") or sys.exit("run.py: no C compiler (cc) on PATH")
        subprocess.run([compiler, "-O2", "-o", str(binary), str(HERE / "variants.c"), "-lm"],
                       check=True)
        all_path, check_path = temp / "all.bin", temp / "check.bin"
        write_streams(all_path, streams)
        write_streams(check_path, [codes for _, _, codes in checked])

        check = run_variant(binary, check_path, header, *CHOSEN, weights, per_file=True)
        predictions = {}
        for name, order in zip(HINDSIGHT, HINDSIGHT_ORDERS):
            predictions[name] = temp / f"{name}.bin"
            write_streams(predictions[name],
                          [hindsight_predictions(codes, order) for codes in streams])
        with ThreadPoolExecutor(max_workers=options.jobs) as pool:
            jobs = [pool.submit(run_variant, binary, all_path, header, p, r, weights,
                                predictions=predictions)
                    for p, r in VARIANTS]
            results = {variant: job.result() for variant, job in zip(VARIANTS, jobs)}

    c_bytes = [math.ceil(bits / 8) for bits in check["files"]]
    print(f"Files: {len(selected)} ({count} samples); container header {header} bytes a file; "
          f"ratio = sum(44 + 2 n) / sum(ceil(bits / 8) + {header}).\n")
    print("| variant | predictor | k rule | bits/sample | ratio |")
    print("|---|---|---|---:|---:|")
    for (predictor, rule), result in sorted(results.items(), key=lambda item: -item[1]["ratio"]):
        name = f"{predictor} / {rule}" + (" (golden)" if (predictor, rule) == CHOSEN else "")
        print(f"| {name} | {describe(predictor)} | {DESCRIPTIONS[rule]} "
              f"| {result['bps']:.4f} | {result['ratio']:.4f} |")
    chosen = results[CHOSEN]
    print(f"\nOrder-0 entropy of the chosen predictor's residuals: {chosen['h0']:.4f} bits/sample "
          f"with one histogram over all files, {chosen['h0file']:.4f} with one a file "
          f"(the adaptive Rice coder spends {chosen['bps']:.4f}).")
    print(f"\nFixed least-squares weights (Q{WEIGHT_FRAC}, x[n-1] - x[n-2] first): {weights}")
    agree = c_bytes == golden_bytes
    print(f"\nGolden cross-check, first {len(checked)} files: variants.c {c_bytes} bytes, "
          f"golden.core.encode {golden_bytes} bytes: {'PASS' if agree else 'FAIL'}")
    print(f"({time.time() - started:.0f} s)", file=sys.stderr)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
