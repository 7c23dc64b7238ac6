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
is then 1. So is what would lose data: a directory that cannot be read, zip members that
share a name, two sources that map to one output, an output that is a source. Links to
directories are not followed (and are listed as ignored). Every file is coded as
``./encode`` and ``./decode`` code it, streamed in bounded memory; a zip member is copied to
an unnamed temporary file first, up to :data:`MAX_MEMBER` bytes.
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
from .progress import Bar

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
    if path.is_symlink() and path.is_dir():
        # not followed: a link may lead out of SRC, or round in a loop
        return "link to a directory"
    mode = path.stat().st_mode
    if stat.S_ISREG(mode):
        return f"file not named *{suffix}"
    if stat.S_ISDIR(mode):
        return f"directory named *{suffix}" if path.name.lower().endswith(suffix) else None
    return "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"


def _walk(source, suffix, ignored, refused):
    """The relative names of the ``*suffix`` files under the directory ``source``; what is
    not one goes to ``ignored``, a directory that cannot be read to ``refused``."""
    names, pending = [], [source]
    while pending:
        directory = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            refused.append((str(directory), "cannot read the directory:"
                            f" {error.strerror or error}; its files are not done"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if not entry.is_symlink() and entry.is_dir():
                pending.append(path)
            if entry.is_file() and entry.name.lower().endswith(suffix):
                names.append(path.relative_to(source).as_posix())
            elif (kind := _kind(path, suffix)) is not None:
                ignored.append(kind)
    return names


def find_jobs(source, destination, decompress):
    """The jobs that turn the files under ``source`` into files under ``destination``: a
    :class:`Found`."""
    source, destination = Path(source), Path(destination)
    suffix = SUFFIX if decompress else ".wav"
    ignored, refused = [], []
    if source.is_dir():
        names = _walk(source, suffix, ignored, refused)
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
        # a name read from the archive is its last member of that name: the others would
        # be lost without a word
        repeated = sorted({n for n in names if names.count(n) > 1})
        refused += [(n, f"{names.count(n)} members of the archive have this name; none is"
                     " done") for n in repeated]
        names = [n for n in names if n not in repeated]
        archive = str(source)
    elif source.exists():
        raise BatchError(f"{source} is neither a directory nor a zip archive")
    else:
        raise BatchError(f"{source} does not exist")
    if not names and not refused:
        raise BatchError(f"no {suffix} files in {source}")
    if destination.exists() and not destination.is_dir():
        raise BatchError(f"{destination} is not a directory")

    def target(name):
        return destination / (name[: -len(SUFFIX)] if decompress else name + SUFFIX)

    def where(name):
        return name if archive else str(source / name)

    # a file named only ".nrc" would be restored as its folder, DST itself at the top
    bare = {n for n in names if decompress and PurePosixPath(n).name.lower() == SUFFIX}
    refused += [(where(n), f"no name is left once {SUFFIX} is removed") for n in sorted(bare)]
    names = sorted(n for n in names if n not in bare)
    # two sources one output (x.nrc and x.NRC): each would overwrite the other
    by_target = {}
    for name in names:
        by_target.setdefault(str(target(name)), []).append(name)
    # an output that is a source (a.nrc.nrc restored over a.nrc, or DST inside SRC
    # through a link) would destroy it
    sources = set() if archive else {os.path.realpath(where(n)) for n in names}
    jobs = []
    for name in names:
        out = str(target(name))
        others = [where(n) for n in by_target[out] if n != name]
        if others:
            refused.append((where(name), f"{', '.join(others)} would be written to the same"
                            f" {out}; neither is done"))
        elif os.path.realpath(out) in sources:
            refused.append((where(name), f"its output {out} is a source file; not done"))
        else:
            jobs.append(Job(where(name), out, archive))
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


#: The most bytes a zip member may declare: a member is copied to a temporary file to be
#: coded, so this bounds the disk a small archive can take (its memory is bounded anyway).
MAX_MEMBER = 1 << 34


def _open_source(job):
    """The job's source as a seekable binary file, and its ``os.stat_result`` (None for a
    zip member, copied to an unnamed temporary file as it is read)."""
    if job.archive is None:
        return filecodec.open_input(job.source, seekable=True)
    if job.archive not in _archives:
        _archives[job.archive] = zipfile.ZipFile(job.archive)
    member = _archives[job.archive].getinfo(job.source)
    if member.file_size > MAX_MEMBER:
        raise filecodec.CodecError(f"the member declares {member.file_size} bytes, more than"
                                   f" the {MAX_MEMBER} a member may have")
    copy = output.spool()
    try:
        # the zip module reads no more than the member declares, and checks its CRC
        with _archives[job.archive].open(member) as stream:
            while block := stream.read(1 << 20):
                copy.write(block)
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return copy, None


class _Compare:
    """A sink that compares what is written to it with the file ``expected``."""

    def __init__(self, expected):
        expected.seek(0)
        self.expected, self.same = expected, True

    def write(self, data):
        if self.same and self.expected.read(len(data)) != data:
            self.same = False

    def matched(self):
        return self.same and not self.expected.read(1)


def _restores(compressed, original):
    """Whether the compressed file ``compressed`` decompresses to the file ``original``."""
    compressed.seek(0)
    compare = _Compare(original)
    try:
        _container.decompress_file(compressed, compare)
    except _container.FormatError:
        return False
    return compare.matched()


def _existing(path):
    # a FIFO in DST would block the read: only a regular file can be a finished output
    if not os.path.isfile(path):
        return None
    try:
        return open(path, "rb")
    except OSError:
        return None


def _size(file):
    return file.seek(0, os.SEEK_END)


def run_job(job, decompress):
    """Do one job; its :class:`Result`."""
    try:
        source, info = _open_source(job)
        with source:
            existing = _existing(job.target)
            if existing is not None:
                with existing:
                    if decompress:
                        done = _restores(source, existing)
                    else:
                        done = _restores(existing, source)
                    if done:
                        return Result(job, "skipped", _size(source), _size(existing))
            os.makedirs(os.path.dirname(job.target), exist_ok=True)
            try:
                target = output.open_output(job.target, info, replace=True)
            except output.OutputError as error:
                raise filecodec.CodecError(str(error)) from None
            try:
                source.seek(0)
                if decompress:
                    try:
                        _container.decompress_file(source, target.file)
                    except _container.FormatError as error:
                        raise filecodec.CodecError(str(error)) from None
                else:
                    _container.compress_file(source, target.file, coder=DEFAULT_CODER)
                    if not _restores(target.file, source):
                        raise filecodec.CodecError("the compressed file does not restore it")
                read, written = _size(source), _size(target.file)
            except BaseException:
                target.discard()
                raise
            try:
                target.commit()
            except output.OutputError as error:
                raise filecodec.CodecError(str(error)) from None
        return Result(job, "written", read, written)
    except (filecodec.CodecError, OSError, zipfile.BadZipFile) as error:
        return Result(job, "failed", error=str(error))


# the parent's side


def run(jobs, decompress, processes, use_golden=False, label=""):
    """Run ``jobs`` on ``processes`` workers; their :class:`Result` list."""
    progress = Bar(len(jobs), label)
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
        filecodec.say(f"neurorice {name}: error: {error}")
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
    status = 1 if any(r.outcome == "failed" for r in results) else 0
    lines = summary(results, decompress, time.perf_counter() - started, found.ignored)
    return print_lines(lines, status)


def print_lines(lines, status):
    """Print ``lines`` on stdout, names' bytes as they are; ``status``, or 141 (as a shell
    reports SIGPIPE) without a word if stdout's reader has gone (``| head``, ``| true``)."""
    try:
        out = sys.stdout.buffer
        for line in lines:
            out.write(line.encode(errors="surrogateescape") + b"\n")
        out.flush()
    except BrokenPipeError:
        # nothing more can be written there, not even at exit's flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return status


def main_compress(argv=None):
    return main(argv, decompress=False)


def main_decompress(argv=None):
    return main(argv, decompress=True)
