#!/usr/bin/env python3
"""Reproduce the measurements behind golden/interval.py and golden/adc.py's DEFAULT table.

Fits the width table with ``neurorice.calibrate.fit`` (on all training recordings, and on
the even half only), runs ``interval.c`` (ideal code lengths of the ADC-aware back end) for
each variant tried, on all files and the two halves (even and odd files, sorted by name),
and prints a Markdown table sorted by ratio; then the prior the chosen design derives
(``golden.interval.PRIOR``) and a check of the golden coder's real sizes against the ideal
ones on three files.

    python tools/study/interval.py [DATA] [--step S] [--jobs J]
"""

import argparse
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

from golden import adc, core, interval  # noqa: E402
from neurorice import calibrate  # noqa: E402

CHECK_FILES = 3
CHOSEN = ("**chosen**: period-32 table and codes 510, 511 (fitted on all files); F=4, bins of"
          " 2^(k-2) codes, 6 interpolation bits; 4 contexts, adapted every 4th sample, prior"
          " weighted 63")

# (name, options); "@all2" etc. name a table fitted here
VARIANTS = [
    ("uniform codes (an ideal ADC's table), as chosen otherwise", "table=none"),
    (CHOSEN, "tablefile=@all2"),
    ("table fitted on the even files only", "tablefile=@even2"),
    ("table with the 8 codes of strongest evidence apart", "tablefile=@all8"),
    ("period-32 table without exceptions", "tablefile=@all0"),
    ("adapted on every sample", "tablefile=@all2 every=1"),
    ("adapted on every 16th sample", "tablefile=@all2 every=16"),
    ("static tables (fitted on all files), no adaptation", "tablefile=@all2 cdf=static"),
    ("static tables fitted on the even files", "tablefile=@all2 cdf=static fit=even"),
    ("10 contexts (one a k)", "tablefile=@all2 SK=10"),
    ("no prior (uniform start)", "tablefile=@all2 prior=0"),
    ("bins of 2^(k-3) codes", "tablefile=@all2 B=3"),
    ("4 interpolation bits", "tablefile=@all2 IB=4"),
    ("12 interpolation bits", "tablefile=@all2 IB=12"),
    ("adaptation shift up to 10", "tablefile=@all2 RATE=10"),
]


def build(temp):
    binary = temp / "interval"
    compiler = shutil.which("cc") or sys.exit("interval.py: no C compiler (cc) on PATH")
    subprocess.run([compiler, "-O2", "-o", str(binary), str(HERE / "interval.c"), "-lm"],
                   check=True)
    return binary


def write_table(path, table):
    """The table in interval.c's form: period, widths, exception count, code/width pairs."""
    fields = [table.period, *table.widths, len(table.exceptions)]
    for code, width in table.exceptions.items():
        fields += [code, width]
    path.write_text(" ".join(map(str, fields)) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=run.DEFAULT_DATA)
    parser.add_argument("--step", type=int, default=1, help="use every S-th file")
    parser.add_argument("--jobs", type=int, default=2, help="variants run in parallel")
    options = parser.parse_args()
    started = time.time()
    selected = run.load(options.data, None, options.step)
    streams = [codes for _, _, codes in selected]
    print(f"{len(selected)} files, {sum(map(len, streams))} samples", file=sys.stderr)
    lists = [s.tolist() for s in streams]
    tables = {
        "all2": calibrate.fit(calibrate.histogram(lists, 10), 32, 2),
        "even2": calibrate.fit(calibrate.histogram(lists[::2], 10), 32, 2),
        "all8": calibrate.fit(calibrate.histogram(lists, 10), 32, 8),
        "all0": calibrate.fit(calibrate.histogram(lists, 10), 32, 0),
    }
    with tempfile.TemporaryDirectory(prefix="nr-interval-") as temp:
        temp = Path(temp)
        binary = build(temp)
        path = temp / "all.bin"
        run.write_streams(path, streams)
        for name, table in tables.items():
            write_table(temp / f"{name}.table", table)

        def measure(spec, env=None):
            args = [a.replace("@", str(temp) + "/") + (".table" if "@" in a else "")
                    for a in spec.split()]
            return subprocess.run([str(binary), str(path), *args], check=True,
                                  capture_output=True, text=True, env=env).stdout

        with ThreadPoolExecutor(options.jobs) as pool:
            results = list(pool.map(measure, [spec for _, spec in VARIANTS]))
        detail = measure("tablefile=@all2", {"PRIOR": "1", "PERFILE": "1"})

    print(f"Files: {len(selected)}; ideal code lengths plus the range coder's 16-bit flush; "
          "container header 19 bytes a file. Halves: even and odd files by name.\n")
    print("| variant | bits/sample | ratio | even half | odd half |")
    print("|---|---:|---:|---:|---:|")
    rows = []
    for (name, _), out in zip(VARIANTS, results):
        f = out.split()
        rows.append((float(f[3]), float(f[1]), float(f[5]), float(f[7]), name))
    for ratio, bps, even, odd, name in sorted(rows, reverse=True):
        print(f"| {name} | {bps:.4f} | {ratio:.4f} | {even:.4f} | {odd:.4f} |")

    print(f"\nTable fitted on all files: {tables['all2']}")
    print(f"golden.adc.DEFAULT {'is' if tables['all2'] == adc.DEFAULT else 'IS NOT'} this table.")
    prior = tuple(tuple(int(v) for v in line.strip("(),\n ").split(",") if v.strip())
                  for line in detail.splitlines() if line.startswith("("))
    print(f"Prior: {prior}")
    print(f"golden.interval.PRIOR {'is' if prior == interval.PRIOR else 'IS NOT'} this prior.")
    ideal = [int(line.split()[-1]) for line in detail.splitlines() if line.startswith("file")]
    real = [len(core.encode(s, 10, coder="adc")) for s in lists[:CHECK_FILES]]
    agree = real == ideal[:CHECK_FILES]
    print(f"\nGolden cross-check, first {CHECK_FILES} files: golden.core.encode(coder='adc') "
          f"{real} bytes, ideal + flush {ideal}: {'PASS' if agree else 'FAIL'}")
    print(f"({time.time() - started:.0f} s)", file=sys.stderr)
    return 0 if agree and tables["all2"] == adc.DEFAULT and prior == interval.PRIOR else 1


if __name__ == "__main__":
    sys.exit(main())
