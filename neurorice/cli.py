"""The ``neurorice`` command: one subcommand a job, each in its own module.

A subcommand's module is imported only when it runs, so that ``neurorice encode`` does not
pay for Amaranth and ``neurorice verilog`` does not pay for anything else.
"""

import argparse
import importlib
import sys

#: subcommand -> (module, one-line help)
COMMANDS = {
    "encode": ("neurorice.filecodec", "compress one file, as ./encode IN OUT"),
    "decode": ("neurorice.filecodec", "restore one file, as ./decode IN OUT"),
    "eval": ("neurorice.evaluate", "score encode and decode as the challenge does"),
    "synth": ("neurorice.synth", "write the synthetic recording set"),
    "verilog": ("neurorice.verilog", "write the encoder as Verilog"),
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
            print(f"  {name:10} {text}")
        return 0 if argv else 2
    args = parser.parse_args(argv[:1])
    module = importlib.import_module(COMMANDS[args.command][0])
    if args.command in ("encode", "decode"):
        action = module.encode_file if args.command == "encode" else module.decode_file
        return module.main(action, argv[1:])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
