"""``neurorice bench [DATA]``: the fast codec's figures, next to the targets of issue 6.

A benchmark that prints, not a test that asserts: timings depend on the machine and on what
else runs on it (the load average is printed with the figures). It measures, on the
recordings of ``DATA`` (default: the challenge's ``../shared/data/train.zip``):

- throughput in this one process, for each back end (``./encode``'s,
  :data:`golden.core.DEFAULT_CODER`, first, then the others of :data:`golden.core.CODERS`,
  each with its defaults; or the one ``--coder`` names): the whole container, WAV bytes to
  compressed bytes and back (:mod:`neurorice.fast.container`), in M samples/s, the median
  of three passes;
- ``./encode`` and ``./decode`` started as the challenge starts them, a new process per
  recording: median and 90th percentile wall time, and the largest peak RSS;
- ``./encode`` and ``./decode`` on incompressible input (``--random-mb`` MB of random bytes,
  which the container stores as they are): MB/s and peak RSS;
- with ``--eval``, the wall time of ``./eval.sh DATA``.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from golden.core import CODERS, DEFAULT_CODER

from . import recordings
from .options import add_data, add_files, positive

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = recordings.DEFAULT_DATA

#: The targets of issue 6.
MIN_THROUGHPUT = 20.5  # M samples/s, encode and decode
MAX_PROCESS_MS = 120  # median per recording, ./encode and ./decode
MAX_RSS_MIB = 100  # one ./encode or ./decode
MAX_EVAL_S = 120  # ./eval.sh on the training recordings
#: The targets of issue 14, on incompressible input.
MIN_RANDOM_MB_S = 5  # ./encode, MB (10^6 bytes) a second
MAX_RANDOM_RSS_MB = 200  # ./encode and ./decode


class BenchError(Exception):
    """The benchmark cannot run."""


def sample_count(original):
    from golden.wav import locate_pcm16

    layout = locate_pcm16(original)
    return layout[1] if layout else 0


def throughput(recordings, passes=3, coder="arith"):
    """Encode and decode M samples/s over ``recordings`` in this process (median of passes),
    with the back end ``coder``."""
    from .fast import container

    samples = sum(sample_count(data) for _, data in recordings)
    times = {"encode": [], "decode": []}
    cpu = {"encode": [], "decode": []}  # this process's CPU time: what a busy machine hides
    for _ in range(passes):
        started, started_cpu = time.perf_counter(), time.process_time()
        packed = [container.compress(data, coder=coder) for _, data in recordings]
        times["encode"].append(time.perf_counter() - started)
        cpu["encode"].append(time.process_time() - started_cpu)
        started, started_cpu = time.perf_counter(), time.process_time()
        restored = [container.decompress(data) for data in packed]
        times["decode"].append(time.perf_counter() - started)
        cpu["decode"].append(time.process_time() - started_cpu)
        if restored != [data for _, data in recordings]:
            raise BenchError("the fast codec did not restore the recordings")
    ratio = sum(len(d) for _, d in recordings) / sum(len(p) for p in packed)
    rates = {k: samples / statistics.median(v) / 1e6 for k, v in times.items()}
    cpu_rates = {k: samples / statistics.median(v) / 1e6 for k, v in cpu.items()}
    return samples, ratio, rates, cpu_rates


#: Runs each command line it reads (NUL-separated arguments) and answers with the wall time,
#: the peak RSS in KiB and the exit status. A child's peak RSS counts its parent's at the
#: fork, so the programs are started from this small process, not from the benchmark.
RUNNER = r"""
import os, sys, time
for line in sys.stdin:
    arguments = line.rstrip("\n").split("\0")
    started = time.perf_counter()
    pid = os.posix_spawnp(arguments[0], arguments, os.environ)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    print(seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status), flush=True)
"""


class Runner:
    """Runs programs from a small separate process: :data:`RUNNER`."""

    def __enter__(self):
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-S", "-c", RUNNER], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.errors, text=True)
        return self

    def run(self, arguments):
        """Run ``arguments`` to its end; ``(seconds, peak RSS in bytes)``."""
        self.errors.seek(0)
        self.errors.truncate()
        self.process.stdin.write("\0".join(map(str, arguments)) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().split()
        if len(answer) != 3:
            raise BenchError(f"cannot run {arguments[0]}")
        seconds, rss, status = float(answer[0]), int(answer[1]), int(answer[2])
        self.errors.seek(0)
        error = self.errors.read().decode(errors="replace").strip()
        if status != 0 or error:
            raise BenchError(f"{Path(arguments[0]).name} {arguments[1]}: "
                             f"exit status {status}: {error}")
        return seconds, rss * 1024  # Linux counts KiB

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait()
        self.process.stdout.close()
        self.errors.close()


def per_process(recordings, workdir, runner):
    """``./encode`` then ``./decode`` on each recording: ``{program: [(seconds, rss), ...]}``."""
    figures = {"encode": [], "decode": []}
    for index, (_, data) in enumerate(recordings):
        original = Path(workdir) / f"{index}.wav"
        packed, restored = original.with_suffix(".nrc"), original.with_suffix(".out")
        original.write_bytes(data)
        figures["encode"].append(runner.run([ROOT / "encode", original, packed]))
        figures["decode"].append(runner.run([ROOT / "decode", packed, restored]))
        if restored.read_bytes() != data:
            raise BenchError("./decode did not restore a recording")
        for path in (original, packed, restored):
            path.unlink()
    return figures


def incompressible(size, workdir, runner):
    """``./encode`` then ``./decode`` on ``size`` random bytes: ``{program: (seconds, rss)}``."""
    original = Path(workdir) / "random.bin"
    packed, restored = original.with_suffix(".nrc"), original.with_suffix(".out")
    original.write_bytes(os.urandom(size))
    figures = {"encode": runner.run([ROOT / "encode", original, packed]),
               "decode": runner.run([ROOT / "decode", packed, restored])}
    if restored.read_bytes() != original.read_bytes():
        raise BenchError("./decode did not restore the random bytes")
    return figures


def coders(choice):
    """The back ends ``--coder`` measures: ``all`` is ./encode's first, then the others."""
    if choice != "all":
        return (choice,)
    return (DEFAULT_CODER,) + tuple(c for c in CODERS if c != DEFAULT_CODER)


def interpreter():
    """The Python that ``./encode`` runs, as its script chooses it."""
    venv = ROOT / ".venv" / "bin" / "python"
    return ".venv/bin/python" if os.access(venv, os.X_OK) else "python3"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def verdict(ok):
    return "ok" if ok else "MISSED"


def report(args, out=None):
    """Measure and print, line by line, to ``out`` (standard output by default)."""
    from . import fast

    out = out or sys.stdout

    fast.require()
    try:
        recs = [(r.name, r.data) for r in recordings.load(args.data, args.files)]
    except recordings.RecordingsError as error:
        raise BenchError(str(error)) from None

    def say(line=""):
        print(line, file=out, flush=True)

    load_average = " ".join(f"{x:.1f}" for x in os.getloadavg())
    say(f"neurorice bench: {len(recs)} recordings from {args.data}")
    say(f"machine: {os.cpu_count()} cores, load average {load_average};"
        f" fast codec {Path(fast._core.__file__).name}")

    for coder in coders(args.coder):
        samples, ratio, rates, cpu_rates = throughput(recs, coder=coder)
        say(f"\nthroughput, one process, whole container, {coder} back end"
            f" ({samples / 1e6:.1f} M samples, ratio {ratio:.3f}, median of 3 passes):")
        for name, rate in rates.items():
            say(f"  {name}  {rate:6.1f} M samples/s   target >= {MIN_THROUGHPUT}:"
                f" {verdict(rate >= MIN_THROUGHPUT)}   (per CPU second:"
                f" {cpu_rates[name]:.1f} M samples)")

    chosen = recordings.spread(recs, args.runs)
    python = interpreter()
    with Runner() as runner, tempfile.TemporaryDirectory(prefix="neurorice-bench-") as workdir:
        start = [runner.run([ROOT / python if "/" in python else python, "-S", "-c", "pass"])[0]
                 for _ in range(10)]
        figures = per_process(chosen, workdir, runner)
        size = int(args.random_mb * 1e6)
        random_figures = incompressible(size, workdir, runner)
    say(f"\n./encode and ./decode, a process per recording ({len(chosen)} recordings,"
        f" one at a time; {python} -S alone starts in {1e3 * statistics.median(start):.0f} ms):")
    for name, runs in figures.items():
        times = [1e3 * seconds for seconds, _ in runs]
        rss = max(r for _, r in runs) / 2**20
        median = statistics.median(times)
        say(f"  ./{name}  median {median:4.0f} ms  p90 {percentile(times, 0.9):4.0f} ms"
            f"  max {max(times):4.0f} ms   target median <= {MAX_PROCESS_MS} ms:"
            f" {verdict(median <= MAX_PROCESS_MS)}")
        say(f"  ./{name}  peak RSS {rss:5.1f} MiB   target <= {MAX_RSS_MIB} MiB:"
            f" {verdict(rss <= MAX_RSS_MIB)}")

    say(f"\n./encode and ./decode on {size / 1e6:g} MB of random bytes (incompressible):")
    for name, (seconds, rss) in random_figures.items():
        rate, rss = size / seconds / 1e6, rss / 1e6
        say(f"  ./{name}  {seconds:6.2f} s  {rate:6.1f} MB/s  peak RSS {rss:5.0f} MB"
            f"   target >= {MIN_RANDOM_MB_S} MB/s, <= {MAX_RANDOM_RSS_MB} MB:"
            f" {verdict(rate >= MIN_RANDOM_MB_S and rss <= MAX_RANDOM_RSS_MB)}")

    if args.eval:
        started = time.perf_counter()
        done = subprocess.run([str(ROOT / "eval.sh"), str(args.data)], capture_output=True,
                              text=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise BenchError(f"eval.sh failed: {done.stderr.strip()}")
        score = done.stdout.strip().splitlines()[-1].split()[-1]
        say(f"\n./eval.sh {args.data}: wall {wall:.1f} s, ratio {score}"
            f"   target <= {MAX_EVAL_S} s: {verdict(wall <= MAX_EVAL_S)}")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="neurorice bench",
        description="Measure the fast codec: throughput, per-process time and memory.")
    add_data(parser)
    add_files(parser)
    parser.add_argument("--runs", type=positive, default=50,
                        help="recordings for the per-process figures (default: 50)")
    parser.add_argument("--random-mb", type=float, default=50,
                        help="MB of random bytes for the incompressible figure (default: 50)")
    parser.add_argument("--coder", choices=("all", *CODERS), default="all",
                        help="the back end whose throughput to measure (default: all, "
                             f"{DEFAULT_CODER}, what ./encode writes, first)")
    parser.add_argument("--eval", action="store_true", help="also time ./eval.sh DATA")
    args = parser.parse_args(argv)
    if args.random_mb <= 0:
        parser.error(f"--random-mb must be positive, not {args.random_mb}")
    args.data = os.path.relpath(args.data)
    try:
        report(args)
    except ImportError as error:
        print(f"neurorice bench: error: {error}", file=sys.stderr)
        return 1
    except BenchError as error:
        print(f"neurorice bench: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
