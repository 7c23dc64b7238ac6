"""``./encode [--coder C] [--table T] [--near D] IN OUT`` and ``./decode IN OUT``: one-line errors.

These are the programs the challenge's ``eval.sh`` starts once per recording, so this
module imports only the standard library's lighter modules, the golden model and the fast
path (:mod:`neurorice.fast.container`, bit-identical to :mod:`golden.container`):
interpreter start-up and imports are part of every file's time. Without the fast path's C
module the programs say so on stderr and run the golden model, which writes the same bytes
about 100 times slower.

``-`` is standard input as IN and standard output as OUT; after ``--`` a path may begin with
``-``. Both directions stream, a piece of the recording at a time
(:func:`golden.container.compress_file`), so memory does not grow with the file. OUT is
written by :mod:`neurorice.output` (a regular file atomically, a device or FIFO as a
stream), and only once the whole output is known good; OUT that is IN is refused. A signal
ends the program at once (:mod:`neurorice.interrupt`).
"""

import errno
import os
import stat
import sys

from golden import container
from golden.core import CODERS, DEFAULT_CODER
from golden.near import max_near
from golden.samples import CODE_BITS

from . import fast, interrupt, output


class CodecError(Exception):
    """An error to report on one line, with a non-zero exit."""


def say(text):
    """Print ``text`` on stderr, a file name's bytes as they are (not ``a\\udcff.wav``)."""
    stream = sys.stderr
    if stream is None:
        return
    stream.flush()
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a file: a test's capture
        print(text, file=stream)
        return
    os.write(fd, text.encode(errors="surrogateescape") + b"\n")


def _where(path):
    return "standard input" if path == "-" else path


def open_input(path, seekable=False):
    """IN ``path`` (standard input for ``-``) opened to read as a binary file, and its
    ``os.stat_result``; :class:`CodecError` saying why not. ``seekable``: standard input
    that is not a regular file is first copied to an unnamed temporary file
    (:func:`neurorice.output.spool`), for the encoder, which needs the input's size."""
    try:
        if path == "-":
            # the launcher cannot let Python start on a directory as standard input
            if os.environ.get("NEURORICE_STDIN") == "directory":
                raise IsADirectoryError(errno.EISDIR, "Is a directory")
            if sys.stdin is None:
                raise OSError(errno.EBADF, "Bad file descriptor")
            file = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
        else:
            file = open(path, "rb")
        info = os.fstat(file.fileno())
        if stat.S_ISDIR(info.st_mode):
            file.close()
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        if seekable and not stat.S_ISREG(info.st_mode):
            with file:
                copy = output.spool()
                while block := file.read(1 << 20):
                    copy.write(block)
            copy.seek(0)
            file = copy
        return file, info
    except OSError as error:
        raise CodecError(f"cannot read {_where(path)}: {error.strerror or error}") from None


def write_output(path, data, same=None):
    """Write ``data`` to OUT ``path`` (:func:`neurorice.output.write`)."""
    try:
        output.write(path, data, same)
    except output.OutputError as error:
        raise CodecError(str(error)) from None


def codec():
    """The fast container module, or the golden one after a warning if it is not built."""
    try:
        from .fast import container as fast_container
    except fast.NotBuilt:
        say(f"neurorice: {fast.NOT_BUILT}; using the golden model, about 100x slower")
        return container
    return fast_container


def _coded(source, destination, code, seekable):
    """Open IN and OUT, ``code(in, out)``, then give OUT the output; OUT is untouched on
    any error."""
    file, info = open_input(source, seekable)
    with file:
        try:
            target = output.open_output(destination, info)
        except output.OutputError as error:
            raise CodecError(str(error)) from None
        try:
            code(file, target.file)
        except container.FormatError as error:
            target.discard()
            raise CodecError(f"{_where(source)}: {error}") from None
        except OSError as error:
            target.discard()
            # a read error is IN's, any other OUT's (a full disk)
            raise CodecError(f"cannot write {output._describe(destination)}:"
                             f" {error.strerror or error}") from None
        except BaseException:
            target.discard()
            raise
    try:
        target.commit()
    except output.OutputError as error:
        raise CodecError(str(error)) from None


def encode_file(source, destination, compress_file=None, *, coder=DEFAULT_CODER, near=0,
                table=None):
    compress_file = compress_file or codec().compress_file
    lossless = []

    def code(file, out):
        compress_file(file, out, coder=coder, near=near, table=table)
        if near:
            out.seek(0)
            lossless.append(not container.near_of(out.read(64)))

    _coded(source, destination, code, seekable=True)
    if lossless and lossless[0]:
        say(f"encode: {source} is not a WAV file of 10-bit ADC codes: coded losslessly")


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
                shown = text if len(text) <= 20 else text[:20] + "..."
                raise CodecError(f"--near must be an integer 0..{top} (ADC codes), not {shown!r}")
            keywords["near"] = int(text)
        argv = argv[2:]
    if "table" in keywords and keywords.get("coder", DEFAULT_CODER) != "adc":
        raise CodecError("--table applies to the adc back end only")
    return argv, keywords


def decode_file(source, destination, decompress_file=None):
    decompress_file = decompress_file or codec().decompress_file
    _coded(source, destination, decompress_file, seekable=False)


def main(action, argv=None):
    """Run ``encode`` or ``decode`` with ``argv``; the process's exit status."""
    argv = sys.argv[1:] if argv is None else argv
    name = action.__name__.split("_")[0]
    options = f"[--coder {'|'.join(CODERS)}] [--table FILE] [--near D] " if name == "encode" else ""
    try:
        argv, keywords = encode_options(argv) if options else (argv, {})
    except CodecError as error:
        say(f"{name}: error: {error}")
        return 2
    # after "--" every argument is a path, also one that begins with "-"
    paths = argv[1:] if argv[:1] == ["--"] else argv
    if len(paths) != 2 or paths is argv and any(a.startswith("-") and a != "-" for a in argv):
        say(f"usage: {name} {options}[--] IN OUT")
        return 2
    interrupt.install(name, output.remove_temporaries)
    try:
        action(*paths, **keywords)
    except CodecError as error:
        interrupt.finish()
        say(f"{name}: error: {error}")
        return 1
    except MemoryError:
        interrupt.finish()
        say(f"{name}: error: out of memory")
        return 1
    interrupt.finish()
    return 0
