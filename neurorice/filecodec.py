"""``./encode IN OUT`` and ``./decode IN OUT``: whole files, atomic output, one-line errors.

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


def encode_file(source, destination, compress=None, coder="arith"):
    compress = compress or codec().compress
    write_atomically(destination, compress(read_input(source), coder=coder))


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
    options = {}
    if action is encode_file and argv[:1] == ["--rice"]:  # the Golomb-Rice back end
        argv, options = argv[1:], {"coder": "rice"}
    if len(argv) != 2 or argv[0].startswith("-"):
        print(f"usage: {name} {'[--rice] ' if action is encode_file else ''}IN OUT",
              file=sys.stderr)
        return 2
    try:
        action(*argv, **options)
    except CodecError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"{name}: error: out of memory", file=sys.stderr)
        return 1
    return 0
