"""The challenge's evaluation: encode, decode and compare every recording, then score.

As the challenge's ``eval.sh`` does, each recording goes through ``./encode IN OUT`` and
``./decode OUT COPY`` as separate processes, ``COPY`` must equal ``IN`` byte for byte, and
the score is::

    total raw bytes / (total compressed bytes + size of ./encode + size of ./decode)

Recordings run on all cores; the first mismatch or failure stops the evaluation and names
the file. With no data given, the evaluation runs on the synthetic recording set of
:mod:`neurorice.synth`, so that it works on a machine without the challenge data.
"""

import argparse
import concurrent.futures
import os
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from golden.core import CODERS

from .batch import print_lines
from .filecodec import say
from .progress import Bar

ROOT = Path(__file__).resolve().parent.parent


class EvaluationError(Exception):
    """A recording was not restored, or a program failed: the evaluation stops."""


@dataclass
class FileResult:
    name: str
    raw: int
    compressed: int
    encode_seconds: float
    decode_seconds: float


def _kind(path):
    """What a path that is not a regular file is, in words."""
    if not path.exists():
        return "a dangling link"
    mode = path.stat().st_mode
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "a device"


def _named_wav(directory):
    """The paths under ``directory`` named ``*.wav`` in any case (``*.WAV`` too)."""
    return (p for p in directory.rglob("*") if p.name.lower().endswith(".wav"))


def name_of(path, root):
    """``path`` as the user gave it: relative to the data's ``root`` (a directory, or the
    extracted zip), so that two recordings of one name in different folders are told
    apart."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def recordings(source, workdir):
    """The ``.wav`` recordings of a ``data.zip``, a directory or the synthetic set, and what
    was skipped: ``(paths, skipped)``, ``skipped`` a list of "name (why)".

    Only regular files (or links to them) are recordings: reading a FIFO would wait forever.
    """
    if source is None:
        from . import synth

        return synth.generate(Path(workdir) / "synthetic"), []
    source = Path(source)
    skipped = []
    if source.is_dir():
        found = []
        for path in sorted(_named_wav(source)):
            if path.is_file():
                found.append(path)
            else:
                skipped.append(f"{path.relative_to(source)} ({_kind(path)})")
    elif zipfile.is_zipfile(source):
        target = Path(workdir) / "recordings"
        with zipfile.ZipFile(source) as archive:
            members = [m for m in archive.namelist() if m.lower().endswith(".wav")
                       and m[-1] != "/"]
            skipped += [f"{m} (another member of that name)"
                        for i, m in enumerate(members) if m in members[:i]]
            archive.extractall(target, set(members))
        found = sorted(p for p in _named_wav(target) if p.is_file())
    elif source.exists():
        raise EvaluationError(f"{source} is neither a directory nor a zip archive")
    else:
        raise EvaluationError(f"{source} does not exist")
    if not found:
        raise EvaluationError(f"no .wav recordings in {source}")
    return found, skipped


def _run(program, source, destination, options=(), name=None):
    started = time.perf_counter()
    done = subprocess.run([str(program), *options, str(source), str(destination)],
                          capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {done.returncode}"
        raise EvaluationError(f"{Path(program).name} failed on {name or source}: {detail}")
    return elapsed


def evaluate_file(path, encoder, decoder, workdir, index=0, options=(), root=None):
    """Round-trip one recording through the two programs; its :class:`FileResult`.

    ``index`` makes the work files' names unique: recordings in different folders may share
    a name. ``options`` go to the encoder before its two paths (``--coder rice``). The
    recording is named relative to ``root`` (:func:`name_of`), in full if None.
    """
    name = name_of(path, root) if root is not None else str(path)
    compressed = Path(workdir) / f"{index}-{path.name}.nrc"
    copy = Path(workdir) / f"{index}-{path.name}.copy"
    encode_seconds = _run(encoder, path, compressed, options, name)
    decode_seconds = _run(decoder, compressed, copy, (), name)
    original = path.read_bytes()
    if copy.read_bytes() != original:
        raise EvaluationError(f"{name} was not restored byte for byte")
    result = FileResult(name, len(original), compressed.stat().st_size,
                        encode_seconds, decode_seconds)
    compressed.unlink()
    copy.unlink()
    return result


def evaluate(files, encoder, decoder, workdir, jobs, progress=None, options=(), root=None):
    """Evaluate ``files`` on ``jobs`` workers; the list of :class:`FileResult`."""
    results = []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        pending = [pool.submit(evaluate_file, f, encoder, decoder, workdir, i, options, root)
                   for i, f in enumerate(files)]
        try:
            for future in concurrent.futures.as_completed(pending):
                results.append(future.result())
                if progress:
                    progress(len(results), len(files))
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return sorted(results, key=lambda r: r.name)


def report(results, encoder, decoder, wall):
    """The evaluation's summary as lines of text."""
    raw = sum(r.raw for r in results)
    compressed = sum(r.compressed for r in results)
    programs = Path(encoder).stat().st_size + Path(decoder).stat().st_size
    ratios = sorted(r.raw / r.compressed for r in results)
    encode_ms = statistics.median(r.encode_seconds for r in results) * 1e3
    decode_ms = statistics.median(r.decode_seconds for r in results) * 1e3
    return [
        f"files          {len(results)}, all restored byte for byte",
        f"raw bytes      {raw}",
        f"compressed     {compressed} + {programs} (encode and decode)",
        (f"per-file ratio min {ratios[0]:.3f}  median {statistics.median(ratios):.3f}"
         f"  max {ratios[-1]:.3f}"),
        (f"time per file  encode {encode_ms:.0f} ms, decode {decode_ms:.0f} ms (median);"
         f" wall {wall:.1f} s"),
        f"ratio          {raw / (compressed + programs):.4f}",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="eval.sh", description="Score ./encode and ./decode as the challenge does.")
    parser.add_argument("data", nargs="?", help="data.zip or a directory of .wav recordings"
                        " (default: the built-in synthetic set)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="recordings evaluated at once (default: all cores)")
    parser.add_argument("--encoder", default=str(ROOT / "encode"))
    parser.add_argument("--decoder", default=str(ROOT / "decode"))
    parser.add_argument("--coder", choices=CODERS,
                        help="pass --coder to the encoder (default: the encoder's default)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, not {args.jobs}")

    bars = {}

    def progress(done, total):
        bars.setdefault("eval", Bar(total, "eval")).update(done)

    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="neurorice-eval-") as workdir:
            files, skipped = recordings(args.data, workdir)
            if skipped:
                say(f"eval: skipping {', '.join(skipped)}")
            say(f"evaluating {len(files)} recordings (every *.wav, in any case) from "
                f"{args.data or 'the built-in synthetic set'}")
            if args.data is None:
                root = Path(workdir) / "synthetic"
            elif Path(args.data).is_dir():
                root = Path(args.data)
            else:
                root = Path(workdir) / "recordings"
            results = evaluate(files, args.encoder, args.decoder, workdir, args.jobs,
                               progress, ("--coder", args.coder) if args.coder else (), root)
    except EvaluationError as error:
        for bar in bars.values():  # end the progress line first
            bar.close()
        say(f"eval: error: {error}")
        return 1
    except KeyboardInterrupt:
        for bar in bars.values():
            bar.close()
        print("eval: interrupted", file=sys.stderr)
        return 130
    for bar in bars.values():
        bar.close()
    lines = report(results, args.encoder, args.decoder, time.perf_counter() - started)
    return print_lines(lines, 0)


if __name__ == "__main__":
    sys.exit(main())
