"""``neurorice verify``: every recording through the generated Verilog, against the golden model.

Run as ``neurorice verify DATA [--channels C] [--near D] [--files N] [--idle P]
[--backpressure P]`` with ``DATA`` a ``data.zip``, a directory of ``.wav`` recordings or one
recording. The Verilog of the configuration (its file in ``hdl/``, or generated from the
gateware when ``hdl/`` has none, or ``--verilog FILE``) is compiled once with Verilator and the C++
harness of :mod:`neurorice.harness`. Each recording goes through it as one stream, twice:
at full rate, and with random idle input cycles and output backpressure (probabilities
``--idle`` 0.2 and ``--backpressure`` 0.3 a cycle by default; 0 and 0 skip that run). Both
times its words and ``last`` flags must equal ``golden.core.encode_stream(...).flush()``
bit for bit (``--reference fast``: the compiled codec :mod:`neurorice.fast`, itself tested
bit-exact against the golden model, for a quicker run). Recordings are checked on all
cores. The report gives the files checked, samples, words, mismatches and wall time; the
exit status is 1 on any mismatch, 2 on an error.

With ``--near D`` the Verilog is the near-lossless encoder of bound ``D`` (generated from
the gateware; ``hdl/`` holds the lossless ones), against ``encode_stream(..., near=D)``.
With ``--coder arith`` or ``--coder adc`` it is the encoder with that back end
(:data:`gateware.encoder.CODERS`; ``adc`` with the default width table), against
``encode_stream(..., coder=...)``.

Samples: a recording's 10-bit ADC codes (:func:`golden.samples.values_to_codes`); with
``--sample-width 16``, its raw 16-bit values offset to unsigned, as the container codes a
file off the 10-bit lattice.

Channels: the recordings are single-channel, so with ``--channels C`` each recording is
cut into ``C`` consecutive segments, channel ``c`` carrying segment ``c``, and the segments
are interleaved round-robin (:func:`arrange`). Every sample goes through once, each
channel sees a contiguous piece of real signal, and when ``C`` does not divide the length
the stream ends inside a round, as a stream may.
"""

import argparse
import concurrent.futures
import os
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import harness
from .progress import Bar
from .recordings import RecordingsError, Source

__all__ = ["arrange", "check", "compare", "golden_words", "main", "recording_samples"]

WIDTHS = (10, 16)

REFERENCES = {
    "golden": "golden.core.encode_stream (the golden model)",
    "fast": "neurorice.fast.core.encode (the compiled golden model)",
}


class VerifyError(Exception):
    """The data cannot be read, or the Verilog cannot be built."""


def arrange(samples, channels):
    """``samples`` cut into ``channels`` consecutive segments, interleaved round-robin.

    Segment ``c`` goes to channel ``c``; the first ``len % channels`` segments are one
    sample longer, so position ``r * channels + c`` of the result is sample ``r`` of
    segment ``c`` and the result is a permutation of ``samples``.
    """
    samples = np.asarray(samples)
    count = len(samples)
    if channels == 1 or count == 0:
        return samples
    rounds, extra = divmod(count, channels)
    lengths = np.full(channels, rounds)
    lengths[:extra] += 1
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    position = np.arange(count)
    r, c = np.divmod(position, channels)
    return samples[starts[c] + r]


def recording_samples(data, width=10):
    """The samples of a WAV file's bytes for a ``width``-bit core; raises ``VerifyError``."""
    from golden.samples import values_to_codes
    from golden.wav import parse_pcm16

    pcm = parse_pcm16(data)
    if pcm is None:
        raise VerifyError("not a 16-bit PCM WAV file")
    if width == 16:
        return np.asarray(pcm.samples, dtype=np.int64) + 32768
    codes = values_to_codes(pcm.samples)
    if codes is None:
        raise VerifyError("samples off the 10-bit lattice (try --sample-width 16)")
    return np.asarray(codes, dtype=np.int64)


def golden_words(samples, width, channels=1, word_width=32, reference="golden", near=0,
                 coder="rice"):
    """The golden model's words of one stream, as ``(word, last)`` pairs.

    With ``reference="fast"`` they come from :func:`neurorice.fast.core.encode`'s bytes,
    zero-padded to whole words as ``BitWriter.flush`` pads them.
    """
    samples = [int(x) for x in samples]
    # the back end as a keyword only when not the default, which every model takes
    options = {} if coder == "rice" else {"coder": coder}
    if reference == "fast":
        from neurorice.fast.core import encode

        data = encode(samples, width, channels, near=near, **options)
        size = word_width // 8
        data += bytes(-len(data) % size)
        words = [int.from_bytes(data[j : j + size], "big") for j in range(0, len(data), size)]
    else:
        from golden.bits import BitWriter
        from golden.core import encode_stream

        words = encode_stream(samples, width, channels, BitWriter(word_width),
                              near=near, **options).flush()
    return [(word, int(j == len(words) - 1)) for j, word in enumerate(words)]


@dataclass
class Mismatch:
    """How a run's words differ from the golden model's."""

    count: int  # words that differ, plus the difference in length
    index: int  # the first differing word
    expected: tuple | None  # (word, last) there, None past the end
    got: tuple | None

    def describe(self, word_width=32):
        digits = word_width // 4

        def show(item):
            return "nothing" if item is None else f"{item[0]:0{digits}x} last={item[1]}"

        return (f"{self.count} word(s) differ; first at word {self.index}: "
                f"expected {show(self.expected)}, got {show(self.got)}")


def compare(expected, words):
    """The :class:`Mismatch` between golden ``(word, last)`` pairs and harness words, or None."""
    got = list(zip(words["word"].tolist(), words["last"].tolist()))
    if got == expected:
        return None
    common = min(len(got), len(expected))
    differ = [j for j in range(common) if got[j] != expected[j]]
    count = len(differ) + abs(len(got) - len(expected))
    index = differ[0] if differ else common
    return Mismatch(count, index, expected[index] if index < len(expected) else None,
                    got[index] if index < len(got) else None)


@dataclass
class FileResult:
    name: str
    samples: int = 0
    words: int = 0
    cycles: int = 0  # of the full-rate run
    mismatch: Mismatch | None = None
    pattern: str = ""  # of the run that mismatched
    error: str | None = None

    def problem(self, word_width=32):
        """What went wrong, or None."""
        if self.error:
            return self.error
        if self.mismatch:
            return f"{self.pattern}: {self.mismatch.describe(word_width)}"
        return None


@dataclass
class Settings:
    """What every recording of a run goes through."""

    executable: Path
    width: int
    channels: int
    word_width: int
    idle: float = 0.0
    backpressure: float = 0.0
    seed: int = 1
    limit: int | None = None  # samples a recording
    reference: str = "golden"
    near: int = 0  # the error bound of near-lossless coding
    coder: str = "rice"

    def patterns(self, name):
        """``(label, idle, backpressure, seed)`` of the runs of recording ``name``."""
        runs = [("full rate", 0.0, 0.0, self.seed)]
        if self.idle or self.backpressure:
            label = f"idle {self.idle:g}, backpressure {self.backpressure:g}"
            runs.append((label, self.idle, self.backpressure,
                         self.seed ^ zlib.crc32(name.encode())))
        return runs


def check(source, name, settings, vcd=None):
    """One recording through the harness and the golden model: its :class:`FileResult`.

    The recording goes through at full rate, and again with random idle input cycles and
    output backpressure if ``settings`` asks for them; ``vcd`` records the last run.
    """
    result = FileResult(name)
    try:
        samples = recording_samples(source.read(name), settings.width)
    except (VerifyError, OSError, zipfile.BadZipFile) as error:
        result.error = str(error)
        return result
    samples = arrange(samples[: settings.limit], settings.channels)
    result.samples = len(samples)
    expected = golden_words(samples, settings.width, settings.channels, settings.word_width,
                            settings.reference, settings.near, settings.coder)
    if len(samples) == 0:  # an empty stream codes to no words and cannot be sent
        return result
    runs = settings.patterns(name)
    for j, (label, idle, backpressure, seed) in enumerate(runs):
        try:
            run = harness.run(settings.executable, [samples], idle=idle,
                              backpressure=backpressure, seed=seed,
                              vcd=vcd if j == len(runs) - 1 else None)
        except harness.HarnessError as error:
            result.error = f"{label}: harness: {error}"
            return result
        if j == 0:
            result.words, result.cycles = len(run.words), run.cycles
        result.mismatch = compare(expected, run.words)
        if result.mismatch:
            result.pattern = label
            return result
    return result


def _check(job):
    return check(*job)


def add_arguments(parser, idle=0.0, backpressure=0.0):
    """The options ``verify`` and ``sim`` share: configuration and handshake patterns."""
    parser.add_argument("--channels", type=int, default=1, metavar="C",
                        help="channels of the core; a recording is split into C interleaved "
                             "segments (default 1)")
    parser.add_argument("--sample-width", type=int, default=10, choices=WIDTHS, metavar="W",
                        help="10: the recordings' ADC codes (default); 16: their raw values")
    parser.add_argument("--word-width", type=int, default=32, metavar="B",
                        help="output word width in bits (default 32)")
    parser.add_argument("--near", type=int, default=0, metavar="D",
                        help="near-lossless with error bound D (default 0: lossless)")
    parser.add_argument("--verilog", metavar="FILE",
                        help="Verilog to check (default: the hdl/ file of the configuration, "
                             "or one generated from the gateware)")
    parser.add_argument("--idle", type=float, default=idle, metavar="P",
                        help=f"probability of an idle input cycle (default {idle:g})")
    parser.add_argument("--backpressure", type=float, default=backpressure, metavar="P",
                        help=f"probability of a cycle the output is not ready "
                             f"(default {backpressure:g})")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed of the idle and backpressure patterns (default 1)")
    from .options import add_coder

    add_coder(parser, hardware=True)


def prepare(args, trace=False):
    """Build the harness for parsed ``args``; ``(Settings, verilog path, verilator version)``."""
    for name in ("idle", "backpressure"):
        if not 0 <= getattr(args, name) < 1:
            raise VerifyError(f"--{name} must be in [0, 1), not {getattr(args, name)}")
    try:
        layout = harness.ports(args.sample_width, args.channels, args.word_width, args.coder)
        from golden.near import check_near

        check_near(args.near, args.sample_width)
    except (TypeError, ValueError) as error:
        raise VerifyError(str(error)) from None
    if args.verilog:
        verilog = Path(args.verilog)
        if not verilog.is_file():
            raise VerifyError(f"{verilog} does not exist")
    else:
        verilog = harness.verilog_for(args.sample_width, args.channels, args.word_width,
                                      harness.build_root() / "verilog", args.near,
                                      args.coder)
    try:
        executable = harness.build(verilog, layout, trace=trace)
        version = harness.find_verilator().description
    except harness.HarnessError as error:
        raise VerifyError(str(error)) from None
    settings = Settings(executable, args.sample_width, args.channels, args.word_width,
                        args.idle, args.backpressure, args.seed, near=args.near,
                        coder=args.coder)
    return settings, verilog, version


def describe(settings, verilog, version):
    """The lines that say what was checked, and how."""
    channels = "channel" if settings.channels == 1 else "channels"
    runs = " and ".join(label for label, *_ in settings.patterns(""))
    return [
        (f"verilog     {verilog} ({settings.width}-bit samples, {settings.channels} {channels},"
         f" {settings.word_width}-bit words"
         + (f", near-lossless δ = {settings.near}" if settings.near else "")
         + f"{'' if settings.coder == 'rice' else ', ' + settings.coder + ' back end'})"),
        f"simulator   {version}",
        f"handshake   {runs} (seed {settings.seed})",
        f"reference   {REFERENCES[settings.reference]}",
    ]


def main(argv=None):
    purpose = __doc__.split("\n")[0].split(": ", 1)[1]
    parser = argparse.ArgumentParser(prog="neurorice verify",
                                     description=purpose[0].upper() + purpose[1:])
    parser.add_argument("data", help="data.zip, a directory of .wav recordings, or one .wav")
    add_arguments(parser, idle=0.2, backpressure=0.3)
    parser.add_argument("--files", type=int, metavar="N",
                        help="check N recordings spread over the set (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="recordings checked at once (default: all cores)")
    parser.add_argument("--reference", choices=("golden", "fast"), default="golden",
                        help="the model to compare with: golden (default) or its compiled "
                             "fast path")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, not {args.jobs}")
    if args.files is not None and args.files < 1:
        parser.error(f"--files must be at least 1, not {args.files}")

    started = time.perf_counter()
    try:
        try:
            source = Source(args.data)
        except RecordingsError as error:
            raise VerifyError(str(error)) from None
        settings, verilog, version = prepare(args)
        settings.reference = args.reference
        if args.reference == "fast":
            from neurorice import fast

            try:
                fast.require()
            except ImportError as error:
                raise VerifyError(str(error)) from None
    except VerifyError as error:
        print(f"neurorice verify: error: {error}", file=sys.stderr)
        return 2
    built = time.perf_counter() - started
    names = source.chosen(args.files)
    for line in describe(settings, verilog, version):
        print(line, flush=True)

    results = []
    jobs = [(source, name, settings) for name in names]
    bar = Bar(len(jobs), "verify", log_tenths=True)
    try:
        with concurrent.futures.ProcessPoolExecutor(min(args.jobs, len(jobs))) as pool:
            for result in pool.map(_check, jobs, chunksize=1):
                results.append(result)
                problem = result.problem(settings.word_width)
                if problem:
                    bar.say(f"MISMATCH {result.name}: {problem}")
                bar.update(len(results))
    except KeyboardInterrupt:
        bar.close()
        print("neurorice verify: interrupted", file=sys.stderr)
        return 130
    bar.close()
    wall = time.perf_counter() - started
    for line in summary(results, wall, built, args.jobs):
        print(line)
    return 0 if all(r.problem() is None for r in results) else 1


def summary(results, wall, built, jobs):
    """The closing lines of a report."""
    exact = sum(1 for r in results if r.problem() is None)
    failed = sum(1 for r in results if r.error)
    samples = sum(r.samples for r in results)
    cycles = sum(r.cycles for r in results)
    rate = f", {cycles / samples:.4f} cycles a sample at full rate" if samples else ""
    return [
        f"files       {exact}/{len(results)} bit-exact",
        f"samples     {samples:,}",
        f"words       {sum(r.words for r in results):,}{rate}",
        (f"mismatches  {sum(r.mismatch.count for r in results if r.mismatch)} word(s) in "
         f"{sum(1 for r in results if r.mismatch)} file(s); {failed} file(s) failed"),
        f"wall        {wall:.1f} s (build {built:.1f} s, {jobs} jobs)",
    ]


if __name__ == "__main__":
    sys.exit(main())
