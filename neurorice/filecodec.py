"""``./encode [--coder C] [--table T] [--near D] IN OUT`` and ``./decode IN OUT``: one-line errors.

These are the programs the challenge's ``eval.sh`` starts once per recording, so this
module imports only the standard library's lighter modules, the golden model and the fast
path (:mod:`neurorice.fast.container`, bit-identical to :mod:`golden.container`):
interpreter start-up and imports are part of every file's time. Without the fast path's C
module the programs say so on stderr and run the golden model, which writes the same bytes
about 100 times slower.

``-`` is standard input as IN and standard output as OUT. OUT is written by
:mod:`neurorice.output` (a regular file atomically, a device or FIFO as a stream), and
only once the whole output is known good. A signal ends the program at once
(:mod:`neurorice.interrupt`).
"""

import sys

from golden import container
from golden.core import CODERS, DEFAULT_CODER
from golden.near import max_near
from golden.samples import CODE_BITS

from . import fast, interrupt, output


class CodecError(Exception):
    """An error to report on one line, with a non-zero exit."""


def read_input(path):
    """The bytes of ``path`` (standard input for ``-``), or :class:`CodecError` saying why not."""
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as f:
            return f.read()
    except OSError as error:
        where = "standard input" if path == "-" else path
        raise CodecError(f"cannot read {where}: {error.strerror or error}") from None


def write_atomically(path, data):
    """Write ``data`` to the regular file ``path`` through an unnamed file and a link.

    A reader (or a crash) never sees a partial ``path``: it is either absent, as before, or
    complete.
    """
    try:
        output.replace_atomically(path, data)
    except OSError as error:
        raise CodecError(f"cannot write {path}: {error.strerror or error}") from None


def write_output(path, data):
    """Write ``data`` to OUT ``path`` (:func:`neurorice.output.write`)."""
    try:
        output.write(path, data)
    except output.OutputError as error:
        raise CodecError(str(error)) from None


def codec():
    """The fast container module, or the golden one after a warning if it is not built."""
    try:
        from .fast import container as fast_container
    except fast.NotBuilt:
        print(f"neurorice: {fast.NOT_BUILT}; using the golden model, about 100x slower",
              file=sys.stderr)
        return container
    return fast_container


def encode_file(source, destination, compress=None, *, coder=DEFAULT_CODER, near=0, table=None):
    compress = compress or codec().compress
    coded = compress(read_input(source), coder=coder, near=near, table=table)
    if near and not container.near_of(coded):
        print(f"encode: {source} is not a WAV file of 10-bit ADC codes: coded losslessly",
              file=sys.stderr)
    write_output(destination, coded)


#: ``--table NAME``: the built-in tables by name (a file of such a name: ``./NAME``).
BUILT_IN_TABLES = {"implant": "DEFAULT", "uniform": "UNIFORM"}


def _table(path):
    from golden import adc

    from .widthtable import load_table
    if path in BUILT_IN_TABLES:
        return getattr(adc, BUILT_IN_TABLES[path])
    try:
        table = load_table(path)
        table.check(CODE_BITS)
    except ValueError as error:
        raise CodecError(f"--table: {error}") from None
    return table


def encode_options(argv):
    """Leading ``--rice``, ``--coder NAME``, ``--table FILE`` and ``--near D`` of ``argv``:
    ``(rest, keywords)``; :class:`CodecError` if one is bad."""
    keywords = {}
    while argv[:1] in (["--rice"], ["--near"], ["--coder"], ["--table"]):
        if argv[0] == "--rice":  # the Golomb-Rice back end: the smallest hardware
            keywords["coder"], argv = "rice", argv[1:]
            continue
        text = argv[1] if len(argv) > 1 else ""
        if argv[0] == "--coder":
            if text not in CODERS:
                raise CodecError(f"--coder must be one of {', '.join(CODERS)}, not {text!r}")
            keywords["coder"] = text
        elif argv[0] == "--table":
            if not text:
                raise CodecError("--table needs a width table: a file of neurorice calibrate,"
                                 " or implant or uniform")
            keywords["table"] = _table(text)
        else:
            top = max_near(CODE_BITS)
            if not (text.isdecimal() and text.isascii() and len(text) <= 6 and int(text) <= top):
                raise CodecError(f"--near must be an integer 0..{top} (ADC codes), not {text!r}")
            keywords["near"] = int(text)
        argv = argv[2:]
    if "table" in keywords and keywords.get("coder", DEFAULT_CODER) != "adc":
        raise CodecError("--table applies to the adc back end only")
    return argv, keywords


def decode_file(source, destination, decompress=None):
    decompress = decompress or codec().decompress
    data = read_input(source)
    try:
        original = decompress(data)
    except container.FormatError as error:
        where = "standard input" if source == "-" else source
        raise CodecError(f"{where}: {error}") from None
    write_output(destination, original)


def main(action, argv=None):
    """Run ``encode`` or ``decode`` with ``argv``; the process's exit status."""
    argv = sys.argv[1:] if argv is None else argv
    name = action.__name__.split("_")[0]
    options = f"[--coder {'|'.join(CODERS)}] [--table FILE] [--near D] " if name == "encode" else ""
    try:
        argv, keywords = encode_options(argv) if options else (argv, {})
    except CodecError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 2
    if len(argv) != 2 or any(a.startswith("-") and a != "-" for a in argv):
        print(f"usage: {name} {options}IN OUT", file=sys.stderr)
        return 2
    interrupt.install(name, output.remove_temporaries)
    try:
        action(*argv, **keywords)
    except CodecError as error:
        interrupt.finish()
        print(f"{name}: error: {error}", file=sys.stderr)
        return 1
    except MemoryError:
        interrupt.finish()
        print(f"{name}: error: out of memory", file=sys.stderr)
        return 1
    interrupt.finish()
    return 0
