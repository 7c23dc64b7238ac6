#!/usr/bin/env python3
"""Reproduce the back-end comparison behind golden/arith.py.

Runs ``backend.c`` (ideal code lengths on the golden predictor's residuals and Rice
parameters) for each back end tried, on all training recordings and on the two disjoint
halves (even and odd files, sorted by name), and prints a Markdown table sorted by ratio.
The prior (``golden.arith.PRIOR``) is derived here from the symbol histogram of context
``k = 3``; the table also shows it derived from the even half only and scored on the odd
half. Last, the golden coder's real sizes are checked against the ideal ones.

    python tools/study/backend.py [DATA] [--step S] [--jobs J]
"""

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import run  # noqa: E402  (tools/study/run.py: loading the recordings)

from golden import arith, container, core, samples  # noqa: E402

PRIOR_CONTEXT = 3
CHECK_FILES = 3
CHOSEN = "symbols=32,top=2,fast=12,slow=12,count0=63"

# (name, backend.c variant, prior): prior None (uniform), "all" or "even"
VARIANTS = [
    ("Rice codewords (today's coder)", "coder=rice", None),
    ("binary: unary bins in contexts (k, position), 3 remainder bits in contexts of k,"
     " shifts 7 and 10 averaged (the issue's model; not one step a sample)",
     "coder=binary,fast=7,slow=10,warm=0", None),
    ("binary as above, shifts 4 and 7", "coder=binary,fast=4,slow=7,warm=0", None),
    ("32 symbols, 2 remainder bits, shifts 7 and 10, CDF without fraction bits",
     "symbols=32,top=2,fast=7,slow=10,warm=0,frac=0", None),
    ("32 symbols, 2 remainder bits, shifts 7 and 10", "symbols=32,top=2,fast=7,slow=10,warm=0",
     None),
    ("32 symbols, 2 remainder bits, shifts 5 and 8, count warm-up",
     "symbols=32,top=2,fast=5,slow=8", None),
    ("32 symbols, 2 remainder bits, shifts 7 and 10, count warm-up",
     "symbols=32,top=2,fast=7,slow=10", None),
    ("32 symbols, 2 remainder bits, shifts 9 and 12, count warm-up",
     "symbols=32,top=2,fast=9,slow=12", None),
    ("32 symbols, 2 remainder bits, shift 12, count warm-up", "symbols=32,top=2", None),
    ("32 symbols, 2 remainder bits, shift 13, count warm-up",
     "symbols=32,top=2,fast=13,slow=13,frac=13", None),
    ("32 symbols, 2 remainder bits, shifts 12 and 15, no warm-up",
     "symbols=32,top=2,fast=12,slow=15,warm=0,frac=15", None),
    ("16 symbols, 1 remainder bit, shift 12", "symbols=16,top=1", None),
    ("32 symbols, 1 remainder bit, shift 12", "symbols=32,top=1", None),
    ("32 symbols, 3 remainder bits, shift 12", "symbols=32,top=3", None),
    ("32 symbols, 2 remainder bits, shift 12, escape payload Exp-Golomb",
     "symbols=32,top=2,escape=eg", None),
    ("32 symbols, 2 remainder bits, shift 12, contexts k and half-octaves of A/N",
     "symbols=32,top=2,context=half", None),
    ("32 symbols, 2 remainder bits, shift 12, contexts k of a 32-sample window",
     "symbols=32,top=2,context=fastk", None),
    ("**chosen**: 32 symbols, 2 remainder bits, shift 12, prior (all files) weighted 63",
     CHOSEN, "all"),
    ("as chosen, prior weighted 15", "symbols=32,top=2,count0=15", "all"),
    ("as chosen, prior weighted 255", "symbols=32,top=2,count0=255", "all"),
    ("as chosen, prior from the even files only", CHOSEN, "even"),
]


def build(temp):
    binary = temp / "backend"
    compiler = shutil.which("cc") or sys.exit("backend.py: no C compiler (cc) on PATH")
    subprocess.run([compiler, "-O2", "-o", str(binary), str(HERE / "backend.c"), "-lm"],
                   check=True)
    return binary


def run_backend(binary, streams, variant, prior=None, histogram=None):
    """``(samples, ideal bits, rice bits)`` a file."""
    command = [str(binary), str(streams), variant] + ([str(prior)] if prior else [])
    env = {"HIST": str(histogram)} if histogram else None
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return [(int(n), float(bits), int(rice)) for _, n, bits, rice in map(str.split,
                                                                         out.splitlines())]


def prior_from(histogram_path):
    """The prior of golden/arith.py: context k = 3's symbol frequencies, scaled to the
    adaptive total, each at least 1, the rounding's rest on symbol 0."""
    rows = Path(histogram_path).read_text().splitlines()
    counts = [int(c) for c in rows[PRIOR_CONTEXT].split()]
    total = sum(counts)
    prior = [max(1, round(c * arith.ADAPTIVE_TOTAL / total)) for c in counts]
    prior[0] += arith.ADAPTIVE_TOTAL - sum(prior)
    return prior


def ratio(files, header, coder="multi"):
    """The challenge's ratio: WAV bytes over compressed bytes (2 bytes of flush and the last
    byte's padding counted for the range coder)."""
    original = sum(44 + 2 * n for n, _, _ in files)
    if coder == "rice":
        packed = sum(math.ceil(rice / 8) + header for _, _, rice in files)
    else:
        packed = sum(math.ceil((bits + 16) / 8) + header for _, bits, _ in files)
    return original / packed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=run.DEFAULT_DATA)
    parser.add_argument("--step", type=int, default=1, help="use every S-th file")
    parser.add_argument("--jobs", type=int, default=2, help="variants run in parallel")
    options = parser.parse_args()
    started = time.time()
    selected = run.load(options.data, None, options.step)
    streams = [codes for _, _, codes in selected]
    header = len(container.compress(selected[0][1])) - len(core.encode(streams[0].tolist(), 10))
    print(f"{len(selected)} files, {sum(map(len, streams))} samples", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="nr-backend-") as temp:
        temp = Path(temp)
        binary = build(temp)
        all_path, even_path = temp / "all.bin", temp / "even.bin"
        run.write_streams(all_path, streams)
        run.write_streams(even_path, streams[::2])
        priors, derived = {}, {}
        for name, path in (("all", all_path), ("even", even_path)):
            histogram = temp / f"{name}.hist"
            run_backend(binary, path, "symbols=32,top=2", histogram=histogram)
            derived[name] = prior_from(histogram)
            priors[name] = temp / f"{name}.prior"
            priors[name].write_text(" ".join(map(str, derived[name])))
        with ThreadPoolExecutor(options.jobs) as pool:
            jobs = [pool.submit(run_backend, binary, all_path, variant,
                                priors[prior] if prior else None)
                    for _, variant, prior in VARIANTS]
            results = [job.result() for job in jobs]

    print(f"Files: {len(selected)}; ideal code lengths plus the range coder's 16-bit flush; "
          f"container header {header} bytes a file. Halves: even and odd files by name.\n")
    print("| back end | ratio | even half | odd half |")
    print("|---|---:|---:|---:|")
    rows = []
    for (name, variant, _), files in zip(VARIANTS, results):
        coder = "rice" if variant == "coder=rice" else "multi"
        rows.append((ratio(files, header, coder), ratio(files[::2], header, coder),
                     ratio(files[1::2], header, coder), name))
    for whole, even, odd, name in sorted(rows, reverse=True):
        print(f"| {name} | {whole:.4f} | {even:.4f} | {odd:.4f} |")

    print(f"\nPrior from all files: {derived['all']}")
    print(f"golden.arith.PRIOR {'is' if tuple(derived['all']) == arith.PRIOR else 'IS NOT'} "
          "this prior.")
    chosen = results[[v for _, v, p in VARIANTS].index(CHOSEN)]
    checked = [len(core.encode(codes.tolist(), samples.CODE_BITS, coder="arith"))
               for codes in streams[:CHECK_FILES]]
    ideal = [math.ceil((bits + 16) / 8) for _, bits, _ in chosen[:CHECK_FILES]]
    agree = all(0 <= real - want <= 1 for real, want in zip(checked, ideal))
    print(f"\nGolden cross-check, first {CHECK_FILES} files: golden.core.encode(coder='arith') "
          f"{checked} bytes, ideal + flush {ideal}: {'PASS' if agree else 'FAIL'} (within a byte)")
    print(f"({time.time() - started:.0f} s)", file=sys.stderr)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
