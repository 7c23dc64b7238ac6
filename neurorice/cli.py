"""The ``neurorice`` command: one subcommand a job, each in its own module.

A subcommand's module is imported only when it runs, so that ``neurorice encode`` does not
pay for Amaranth and ``neurorice verilog`` does not pay for anything else. It runs the
module's ``main_<command>(argv)`` if it has one, else its ``main(argv)``.
"""

import argparse
import importlib
import sys

#: subcommand -> (module, one-line help)
COMMANDS = {
    "encode": ("neurorice.filecodec", "compress one file, as ./encode IN OUT"),
    "decode": ("neurorice.filecodec", "restore one file, as ./decode IN OUT"),
    "compress": ("neurorice.batch", "compress a directory or zip of recordings, all cores"),
    "decompress": ("neurorice.batch", "restore a directory or zip of compressed files"),
    "bench": ("neurorice.bench", "measure the fast codec: throughput, per-process time, memory"),
    "verify-fast": ("neurorice.fast.verify", "check the fast codec against the golden model"),
    "near-check": ("neurorice.nearcheck", "check the near-lossless bound on every recording"),
    "lossy-study": ("neurorice.lossy.study", "near-lossless against MP3 and Opus, on spikes"),
    "calibrate": ("neurorice.calibrate", "fit an ADC's code widths (the adc back end's table)"),
    "eval": ("neurorice.evaluate", "score encode and decode as the challenge does"),
    "synth": ("neurorice.synth", "write the synthetic recording set"),
    "verilog": ("neurorice.verilog", "write the encoder as Verilog"),
    "verify": ("neurorice.verify", "check the Verilog against the golden model on recordings"),
    "sim": ("neurorice.sim", "one recording through the Verilog, optionally with a waveform"),
    "report": ("neurorice.report", "report the encoder's cost: resources, timing, power, ratio"),
    "asic": ("neurorice.asic", "area, timing and power on a standard-cell library (SKY130)"),
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="neurorice", description="Hardware codec generator for brain-implant recordings.")
    parser.add_argument("command", choices=COMMANDS, metavar="COMMAND",
                        help=", ".join(COMMANDS))
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        print("\ncommands:")
        for name, (_, text) in COMMANDS.items():
            print(f"  {name:12} {text}")
        return 0 if argv else 2
    args = parser.parse_args(argv[:1])
    module = importlib.import_module(COMMANDS[args.command][0])
    if args.command in ("encode", "decode"):
        action = module.encode_file if args.command == "encode" else module.decode_file
        return module.main(action, argv[1:])
    # a module that serves several commands has an entry point for each
    return getattr(module, f"main_{args.command}", module.main)(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
