"""Writing OUT as xz and zstd do: regular files replaced atomically, anything else as a stream.

- ``-`` is standard output.
- A character device, FIFO or socket (``/dev/null``, a named pipe, ``/dev/stdout``) is
  opened and written as it is: no temporary file, no rename, which would replace it.
- A symbolic link is followed: its target is replaced atomically, the link stays.
- A regular file (or a new name) is replaced atomically: the data goes to an unnamed file in
  OUT's directory (Linux ``O_TMPFILE``), synced to disk, then linked into place, so that a
  reader or a crash (even ``kill -9``) sees the old OUT or the complete new one, never a part
  and never a temporary file. Where the system has no unnamed files or cannot link one,
  a hidden named one, ``.neurorice-<hex>``, is used and :func:`remove_temporaries` removes
  it on a signal.

Only modules that ``./encode`` and ``./decode`` load anyway (the standard library's
built-in ones, and the fast path's C module where it is built): they import this in every
process.
"""

import errno
import os
import stat
import sys

from . import fast

#: The named temporary files being written, which an interrupted process removes.
TEMPORARIES = set()


class OutputError(Exception):
    """OUT cannot be written: the message names it and says why."""


def _named_beside(directory):
    """A new empty hidden file in ``directory``: ``(descriptor, path)``.

    As :func:`tempfile.mkstemp`, but the file gets the permissions ``open()`` would give it,
    and without the 10 ms that importing :mod:`tempfile` adds to every process.
    """
    while True:
        path = os.path.join(directory, f".neurorice-{os.urandom(6).hex()}")
        try:
            TEMPORARIES.add(path)
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            TEMPORARIES.discard(path)
        except BaseException:
            TEMPORARIES.discard(path)
            raise


def _link(fd, path):
    """Give the unnamed file ``fd`` the name ``path`` (which must not exist).

    Through ``linkat(AT_EMPTY_PATH)`` in the C core where the kernel allows it (Linux 6.10
    on, or a privileged process), else through ``/proc/self/fd``, which some systems refuse
    across their mounts (EXDEV in this machine's sandbox).
    """
    if fast._core is not None:
        try:
            fast._core.link_unnamed(fd, path)
            return
        except FileExistsError:
            raise
        except OSError:
            pass
    os.link(f"/proc/self/fd/{fd}", path)


def _unnamed_in(directory):
    """An unnamed file in ``directory`` (``O_TMPFILE``) that can be linked into place, or
    None where there is none."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        fd = os.open(directory, flag | os.O_WRONLY, 0o666)
    except OSError as error:
        # the file system or the kernel has none
        if error.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None
        raise
    if not _can_link(directory):
        os.close(fd)
        return None
    return fd


def _can_link(directory):
    """Whether an unnamed file in ``directory`` can be given a name: some systems make one
    but refuse every link. An empty unnamed file, linked and at once unlinked, finds out for
    about 0.1 ms, where a failed attempt with the data would cost a write and an fsync."""
    probe = os.open(directory, os.O_TMPFILE | os.O_WRONLY, 0o600)
    name = os.path.join(directory, f".neurorice-{os.urandom(6).hex()}")
    TEMPORARIES.add(name)
    try:
        _link(probe, name)
    except OSError:
        return False
    else:
        os.unlink(name)
        return True
    finally:
        TEMPORARIES.discard(name)
        os.close(probe)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _link_into_place(fd, path):
    """Give the unnamed file ``fd`` the name ``path``, replacing any file there atomically."""
    try:
        _link(fd, path)
        return
    except FileExistsError:
        pass
    # a link cannot replace a file: link beside it, then rename over it
    directory = os.path.dirname(path)
    while True:
        temporary = os.path.join(directory, f".neurorice-{os.urandom(6).hex()}")
        TEMPORARIES.add(temporary)
        try:
            _link(fd, temporary)
            break
        except FileExistsError:
            TEMPORARIES.discard(temporary)
        except BaseException:
            TEMPORARIES.discard(temporary)
            raise
    try:
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    finally:
        TEMPORARIES.discard(temporary)


def replace_atomically(path, data):
    """Write ``data`` to the regular file ``path``: absent or old until complete, then new."""
    directory = os.path.dirname(os.path.abspath(path))
    fd = _unnamed_in(directory)
    if fd is not None:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            _link_into_place(fd, os.path.abspath(path))
            return
        except OSError as error:
            # should the link fail after all (the probe said it would not), a named file;
            # any other error is OUT's own
            if error.errno not in (errno.EXDEV, errno.ENOENT, errno.EPERM, errno.EOPNOTSUPP):
                raise
        finally:
            os.close(fd)
    fd, temporary = _named_beside(directory)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    finally:
        TEMPORARIES.discard(temporary)


def _describe(path):
    return "standard output" if path == "-" else path


def write(path, data):
    """Write ``data`` to OUT ``path`` by the rules above; :class:`OutputError` if it cannot."""
    try:
        if path == "-":
            sys.stdout.flush()
            _write_all(sys.stdout.fileno(), data)
            return
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            raise OutputError(f"cannot write {path}: it is a directory")
        if mode is not None and not stat.S_ISREG(mode):
            fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            return
        replace_atomically(os.path.realpath(path), data)
    except OSError as error:
        raise OutputError(f"cannot write {_describe(path)}: {error.strerror or error}") from None


def remove_temporaries():
    """Remove the named temporary files being written (the unnamed ones need nothing)."""
    for path in list(TEMPORARIES):
        try:
            os.unlink(path)
        except OSError:
            pass
