"""``neurorice sim``: one recording through the generated Verilog, against the golden model.

Run as ``neurorice sim WAV [--vcd FILE] [--samples N] [--channels C]``. The recording goes
through the Verilog of the configuration in Verilator (see :mod:`neurorice.verify`, whose
options it shares) at full rate, or with ``--idle`` and ``--backpressure``; the report
says whether its words equal the golden model's, and where they first differ. With
``--vcd FILE`` the harness is built with tracing and writes every signal of the run as a
waveform (a whole recording makes some hundreds of megabytes: ``--samples`` cuts it).
The exit status is 1 on a mismatch, 2 on an error.
"""

import argparse
import sys
import time
from pathlib import Path

from . import verify
from .recordings import Source

__all__ = ["main"]


def main(argv=None):
    purpose = __doc__.split("\n")[0].split(": ", 1)[1]
    parser = argparse.ArgumentParser(prog="neurorice sim",
                                     description=purpose[0].upper() + purpose[1:])
    parser.add_argument("wav", help="a .wav recording")
    parser.add_argument("--vcd", metavar="FILE", help="write the waveform of the run to FILE")
    parser.add_argument("--samples", type=int, metavar="N",
                        help="only the first N samples of the recording")
    verify.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.samples is not None and args.samples < 1:
        parser.error(f"--samples must be at least 1, not {args.samples}")

    started = time.perf_counter()
    try:
        wav = Path(args.wav)
        if not wav.is_file():
            raise verify.VerifyError(f"{wav} is not a file")
        if args.vcd and not Path(args.vcd).resolve().parent.is_dir():
            raise verify.VerifyError(f"cannot write {args.vcd}: no such directory")
        settings, verilog, version = verify.prepare(args, trace=args.vcd is not None)
    except verify.VerifyError as error:
        print(f"neurorice sim: error: {error}", file=sys.stderr)
        return 2
    settings.limit = args.samples
    # only the run asked for: at full rate, or with the given idle and backpressure
    settings.patterns = lambda name: [("run", args.idle, args.backpressure, args.seed)]

    result = verify.check(Source(wav), wav.name, settings, vcd=args.vcd)
    lines = verify.describe(settings, verilog, version)
    lines[2] = (f"handshake   input idle {args.idle:g}, output backpressure "
                f"{args.backpressure:g} (seed {args.seed})")
    print("\n".join(lines))
    if result.error:
        print(f"neurorice sim: error: {wav}: {result.error}", file=sys.stderr)
        return 2
    print(f"recording   {wav}: {result.samples:,} samples")
    print(f"output      {result.words:,} words in {result.cycles:,} cycles")
    if result.mismatch:
        print(f"golden      MISMATCH: {result.mismatch.describe(settings.word_width)}")
    else:
        print("golden      bit-exact")
    if args.vcd:
        size = Path(args.vcd).stat().st_size
        print(f"waveform    {args.vcd} ({size / 1e6:.1f} MB)")
    print(f"wall        {time.perf_counter() - started:.1f} s")
    return 1 if result.mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
