"""``./encode IN OUT`` and ``./decode IN OUT``: whole files, atomic output, one-line errors.

These are the programs the challenge's ``eval.sh`` starts once per recording, so this
module imports only the standard library and the golden model: interpreter start-up and
imports are part of every file's time.
"""

import os
import sys
import tempfile

from golden import container


class CodecError(Exception):
    """An error to report on one line, with a non-zero exit."""


def read_input(path):
    """The bytes of ``path``, or :class:`CodecError` saying why not."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as error:
        raise CodecError(f"cannot read {path}: {error.strerror or error}") from None


def write_atomically(path, data):
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader (or a crash) never sees a partial ``path``: it is either absent, as before, or
    complete.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(prefix=".neurorice-", dir=directory)
    except OSError as error:
        raise CodecError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp makes the file private; give it the permissions open() would have
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as error:
        os.unlink(temporary)
        raise CodecError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        os.unlink(temporary)
        raise


def encode_file(source, destination, compress=container.compress):
    write_atomically(destination, compress(read_input(source)))


def decode_file(source, destination, decompress=container.decompress):
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
    if len(argv) != 2 or argv[0].startswith("-"):
        print(f"usage: {name} IN OUT", file=sys.stderr)
        return 2
    try:
        action(*argv)
    except CodecError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"{name}: error: out of memory", file=sys.stderr)
        return 1
    return 0
