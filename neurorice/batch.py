"""``neurorice compress SRC DST`` and ``neurorice decompress SRC DST``: many files, all cores.

``SRC`` is a directory or a zip archive; ``compress`` takes its ``.wav`` files and writes
``DST/<path>.nrc``, ``decompress`` takes its ``.nrc`` files and writes ``DST/<path>``
without the suffix, keeping the relative paths. Every file is one job, run on all cores
(``--jobs``), with a progress bar on a terminal.

Restartable: every output is written atomically and checked before it counts as done. A
compressed file is written only once it is known to decompress to its source; an output
that is already there is kept (and the file skipped) if it is the right one: a compressed
output that decompresses to its source, a restored output equal to what its source
decompresses to. Anything else is replaced. With the fast path a check costs about as much
as a decompression, a few milliseconds a recording.

A file that fails (unreadable, corrupted) is reported and the others go on; the exit status
is then 1.
"""

import argparse
import multiprocessing
import os
import signal
import stat
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from golden.core import DEFAULT_CODER

from . import filecodec, output

SUFFIX = ".nrc"


class BatchError(Exception):
    """The batch cannot start: a bad source or destination."""


@dataclass(frozen=True)
class Job:
    """One file: ``source`` is a path, or a member of the zip ``archive``."""

    source: str
    target: str
    archive: str | None = None


@dataclass
class Found:
    """What :func:`find_jobs` found: the ``jobs``, the names it ``refused`` (``(source,
    reason)`` pairs, reported as failures) and what it ``ignored`` (a description of each
    entry, counted in the summary)."""

    jobs: list
    refused: list
    ignored: list


def _kind(path, suffix):
    """Why the directory entry ``path`` is not a job, in words; None for a plain folder."""
    if path.is_symlink() and not path.exists():
        return "dangling link"
    mode = path.stat().st_mode
    if stat.S_ISREG(mode):
        return f"file not named *{suffix}"
    if stat.S_ISDIR(mode):
        return f"directory named *{suffix}" if path.name.lower().endswith(suffix) else None
    return "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"


def find_jobs(source, destination, decompress):
    """The jobs that turn the files under ``source`` into files under ``destination``: a
    :class:`Found`."""
    source, destination = Path(source), Path(destination)
    suffix = SUFFIX if decompress else ".wav"
    ignored = []
    if source.is_dir():
        names = []
        for path in source.rglob("*"):
            if path.is_file() and path.name.lower().endswith(suffix):
                names.append(path.relative_to(source).as_posix())
            elif (kind := _kind(path, suffix)) is not None:
                ignored.append(kind)
        archive = None
    elif source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as z:
            members = z.namelist()
        names = [n for n in members if n.lower().endswith(suffix) and n[-1] != "/"]
        ignored = [f"file not named *{suffix}" for n in members
                   if not n.lower().endswith(suffix) and n[-1] != "/"]
        ignored += [f"directory named *{suffix}" for n in members
                    if n.lower().endswith(suffix + "/")]
        for name in names:
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts:
                raise BatchError(f"{source}: unsafe member name {name!r}")
        archive = str(source)
    elif source.exists():
        raise BatchError(f"{source} is neither a directory nor a zip archive")
    else:
        raise BatchError(f"{source} does not exist")
    if not names:
        raise BatchError(f"no {suffix} files in {source}")
    if destination.exists() and not destination.is_dir():
        raise BatchError(f"{destination} is not a directory")

    def target(name):
        return destination / (name[: -len(SUFFIX)] if decompress else name + SUFFIX)

    def where(name):
        return name if archive else str(source / name)

    # a file named only ".nrc" would be restored as its folder, DST itself at the top
    refused = [(where(n), f"no name is left once {SUFFIX} is removed") for n in sorted(names)
               if decompress and PurePosixPath(n).name.lower() == SUFFIX]
    jobs = [Job(where(n), str(target(n)), archive) for n in sorted(names)
            if not (decompress and PurePosixPath(n).name.lower() == SUFFIX)]
    return Found(jobs, refused, ignored)


@dataclass(frozen=True)
class Result:
    """What became of a job: ``outcome`` is "written", "skipped" or "failed"."""

    job: Job
    outcome: str
    read: int = 0  # bytes
    written: int = 0  # bytes, or those already there
    error: str | None = None


# the worker's side

_container = None
_archives = {}


def _start_worker(use_golden):
    global _container
    # an interrupt is the parent's to handle: it stops the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # if the parent dies, a worker ends quietly and at once, rather than finishing its file
    # and printing a BrokenPipeError traceback; whichever comes first of a write to the
    # parent's closed pipe (SIGPIPE) or the watch
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    if use_golden:
        from golden import container
    else:
        from .fast import container
    _container = container


def _watch_parent(parent):
    """End this worker, and its temporary file, once ``parent`` is no longer its parent."""
    while os.getppid() == parent:
        time.sleep(0.2)
    output.remove_temporaries()
    os._exit(1)


def _read(job):
    if job.archive is None:
        return filecodec.read_input(job.source)
    if job.archive not in _archives:
        _archives[job.archive] = zipfile.ZipFile(job.archive)
    return _archives[job.archive].read(job.source)


def _existing(path):
    # a FIFO in DST would block the read: only a regular file can be a finished output
    if not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def run_job(job, decompress):
    """Do one job; its :class:`Result`."""
    try:
        data = _read(job)
        if decompress:
            try:
                output = _container.decompress(data)
            except _container.FormatError as error:
                raise filecodec.CodecError(str(error)) from None
            done = _existing(job.target) == output
        else:
            existing = _existing(job.target)
            done = existing is not None and _restores(existing, data)
            if not done:
                output = _container.compress(data, coder=DEFAULT_CODER)  # as ./encode
                if not _restores(output, data):
                    raise filecodec.CodecError("the compressed file does not restore it")
        if done:
            return Result(job, "skipped", len(data), os.path.getsize(job.target))
        os.makedirs(os.path.dirname(job.target), exist_ok=True)
        filecodec.write_atomically(job.target, output)
        return Result(job, "written", len(data), len(output))
    except (filecodec.CodecError, OSError, zipfile.BadZipFile) as error:
        return Result(job, "failed", error=str(error))


def _restores(compressed, original):
    try:
        return _container.decompress(compressed) == original
    except _container.FormatError:
        return False


# the parent's side


class Progress:
    """A one-line progress bar on stderr, drawn only on a terminal."""

    def __init__(self, total, label, stream=None):
        self.total, self.label, self.stream = total, label, stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.started = time.perf_counter()

    def update(self, done):
        if not self.enabled:
            return
        width = 30
        filled = width * done // self.total
        elapsed = time.perf_counter() - self.started
        print(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}"
              f"  {elapsed:.1f} s", end="", file=self.stream, flush=True)

    def close(self):
        if self.enabled:
            print(file=self.stream)


def run(jobs, decompress, processes, use_golden=False, label=""):
    """Run ``jobs`` on ``processes`` workers; their :class:`Result` list."""
    progress = Progress(len(jobs), label)
    results = []
    context = multiprocessing.get_context()
    with context.Pool(processes, _start_worker, (use_golden,)) as pool:
        tasks = [(job, decompress) for job in jobs]
        for result in pool.imap_unordered(_run_job_star, tasks, chunksize=4):
            results.append(result)
            progress.update(len(results))
    progress.close()
    return results


def _run_job_star(args):
    return run_job(*args)


def _counted(count, kind):
    """``3 files not named *.wav``, ``1 FIFO``: ``kind`` is singular, its first word the noun."""
    if count == 1:
        return f"1 {kind}"
    noun, _, rest = kind.partition(" ")
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{count} {plural} {rest}".rstrip()


def summary(results, decompress, seconds, ignored=()):
    """The closing lines: counts, sizes, time, what was ignored, and every failure."""
    count = {kind: sum(r.outcome == kind for r in results)
             for kind in ("written", "skipped", "failed")}
    before = sum(r.read for r in results)
    after = sum(r.written for r in results)
    lines = [(f"{len(results)} files: {count['written']} written, {count['skipped']} skipped"
              f" (already done and verified), {count['failed']} failed; {seconds:.1f} s")]
    if before and after:
        raw, packed = (after, before) if decompress else (before, after)
        lines.append(f"{raw} bytes as {packed} compressed, ratio {raw / packed:.3f}")
    if ignored:
        kinds = sorted(set(ignored), key=lambda kind: (-ignored.count(kind), kind))
        lines.append("ignored: " + ", ".join(_counted(ignored.count(k), k) for k in kinds))
    lines += [f"failed: {r.job.source}: {r.error}"
              for r in sorted(results, key=lambda r: r.job.source) if r.outcome == "failed"]
    return lines


def main(argv=None, decompress=False):
    name = "decompress" if decompress else "compress"
    parser = argparse.ArgumentParser(
        prog=f"neurorice {name}",
        description=(f"{'Restore' if decompress else 'Compress'} every "
                     f"{SUFFIX if decompress else '.wav'} file of a directory or zip archive"
                     " on all cores; files already done and verified are skipped."))
    parser.add_argument("source", help="a directory or a zip archive")
    parser.add_argument("destination", help="the directory to write to")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="files coded at once (default: all cores)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, not {args.jobs}")
    started = time.perf_counter()
    try:
        found = find_jobs(args.source, args.destination, decompress)
    except (BatchError, OSError, zipfile.BadZipFile) as error:
        print(f"neurorice {name}: error: {error}", file=sys.stderr)
        return 1
    use_golden = filecodec.codec() is filecodec.container
    results = [Result(Job(source, ""), "failed", error=reason)
               for source, reason in found.refused]
    try:
        if found.jobs:
            results += run(found.jobs, decompress, min(args.jobs, len(found.jobs)),
                           use_golden, name)
    except KeyboardInterrupt:
        print(f"\nneurorice {name}: interrupted; run again to go on", file=sys.stderr)
        return 130
    for line in summary(results, decompress, time.perf_counter() - started, found.ignored):
        print(line)
    return 1 if any(r.outcome == "failed" for r in results) else 0


def main_compress(argv=None):
    return main(argv, decompress=False)


def main_decompress(argv=None):
    return main(argv, decompress=True)
