"""``./encode [--near D] IN OUT`` and ``./decode IN OUT``: whole files, atomic, one-line errors.

These are the programs the challenge's ``eval.sh`` starts once per recording, so this
module imports only the standard library, the golden model and the fast path
(:mod:`neurorice.fast.container`, bit-identical to :mod:`golden.container`): interpreter
start-up and imports are part of every file's time. Without the fast path's C module the
programs say so on stderr and run the golden model, which writes the same bytes about 100
times slower.
"""

import os
import sys

from golden import container
from golden.near import max_near
from golden.samples import CODE_BITS

from . import fast


class CodecError(Exception):
    """An error to report on one line, with a non-zero exit."""


def read_input(path):
    """The bytes of ``path``, or :class:`CodecError` saying why not."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as error:
        raise CodecError(f"cannot read {path}: {error.strerror or error}") from None


def _create_beside(directory):
    """A new empty file in ``directory``: ``(descriptor, path)``.

    As :func:`tempfile.mkstemp`, but the file gets the permissions ``open()`` would give it,
    and without the 10 ms that importing :mod:`tempfile` adds to every process.
    """
    while True:
        path = os.path.join(directory, f".neurorice-{os.urandom(6).hex()}")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue


def write_atomically(path, data):
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader (or a crash) never sees a partial ``path``: it is either absent, as before, or
    complete.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = _create_beside(directory)
    except OSError as error:
        raise CodecError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except OSError as error:
        os.unlink(temporary)
        raise CodecError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        os.unlink(temporary)
        raise


def codec():
    """The fast container module, or the golden one after a warning if it is not built."""
    try:
        from .fast import container as fast_container
    except fast.NotBuilt:
        print(f"neurorice: {fast.NOT_BUILT}; using the golden model, about 100x slower",
              file=sys.stderr)
        return container
    return fast_container


def encode_file(source, destination, compress=None, *, near=0):
    compress = compress or codec().compress
    coded = compress(read_input(source), near=near) if near else compress(read_input(source))
    if near and not container.near_of(coded):
        print(f"encode: {source} is not a WAV file of 10-bit ADC codes: coded losslessly",
              file=sys.stderr)
    write_atomically(destination, coded)


def near_option(argv):
    """A leading ``--near D`` of ``argv``: ``(rest, {"near": D})``; :class:`CodecError` if bad."""
    if argv[:1] != ["--near"]:
        return argv, {}
    top = max_near(CODE_BITS)
    text = argv[1] if len(argv) > 1 else ""
    if not (text.isdecimal() and text.isascii() and int(text) <= top):
        raise CodecError(f"--near must be an integer 0..{top} (ADC codes), not {text!r}")
    return argv[2:], {"near": int(text)}


def decode_file(source, destination, decompress=None):
    decompress = decompress or codec().decompress
    data = read_input(source)
    try:
        original = decompress(data)
    except container.FormatError as error:
        raise CodecError(f"{source}: {error}") from None
    write_atomically(destination, original)


def main(action, argv=None):
    """Run ``encode`` or ``decode`` with ``argv``; the process's exit status."""
    argv = sys.argv[1:] if argv is None else argv
    name = action.__name__.split("_")[0]
    options = "[--near D] " if name == "encode" else ""
    try:
        argv, keywords = near_option(argv) if options else (argv, {})
    except CodecError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 2
    if len(argv) != 2 or argv[0].startswith("-"):
        print(f"usage: {name} {options}IN OUT", file=sys.stderr)
        return 2
    try:
        action(*argv, **keywords)
    except CodecError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"{name}: error: out of memory", file=sys.stderr)
        return 1
    return 0
