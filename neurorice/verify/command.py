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
"""

import argparse
import sys
import time
from pathlib import Path

from .. import harness
from ..options import add_data, add_files, add_jobs
from ..parallel import map_processes
from ..progress import Bar
from ..recordings import RecordingsError, Source
from .expected import REFERENCES, WIDTHS, VerifyError
from .recording import Settings, check

__all__ = ["add_arguments", "describe", "main", "prepare", "summary"]


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
    from ..options import add_coder

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


def _check(job):
    return check(*job)


def main(argv=None):
    purpose = __doc__.split("\n")[0].split(": ", 1)[1]
    parser = argparse.ArgumentParser(prog="neurorice verify",
                                     description=purpose[0].upper() + purpose[1:])
    add_data(parser)
    add_arguments(parser, idle=0.2, backpressure=0.3)
    add_files(parser)
    add_jobs(parser)
    parser.add_argument("--reference", choices=("golden", "fast"), default="golden",
                        help="the model to compare with: golden (default) or its compiled "
                             "fast path")
    args = parser.parse_args(argv)

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
        for result in map_processes(_check, jobs, args.jobs, bar):
            results.append(result)
            problem = result.problem(settings.word_width)
            if problem:
                bar.say(f"MISMATCH {result.name}: {problem}")
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
