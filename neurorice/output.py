"""Writing OUT as ``cp``, shell redirection and zstd do: whole or not at all.

:func:`open_output` checks OUT and gives a :class:`Target`, whose ``file`` (seekable) the
codec writes; :meth:`Target.commit` then gives the output OUT's place, and
:meth:`Target.discard` drops it, leaving OUT as it was.

- ``-`` is standard output.
- A character device, FIFO or socket (``/dev/null``, a named pipe, ``/dev/stdout``) is
  written as it is, in place: no rename, which would replace it. The output is first
  written to an unnamed temporary file (``$TMPDIR``, else ``/tmp``), and copied to OUT only
  once complete, so that a reader of OUT never sees part of a failed output.
- A symbolic link is followed: its target is replaced atomically, the link stays. A link
  whose target does not exist is refused, as GNU ``cp`` refuses to write through one (a
  link planted in a shared directory would otherwise create a file anywhere).
- A regular file (or a new name) is replaced atomically: the data goes to an unnamed file
  in OUT's directory (Linux ``O_TMPFILE``), synced to disk, then linked into place, so that
  a reader or a crash (even ``kill -9``) sees the old OUT or the complete new one, never a
  part and never a temporary file. An existing OUT keeps its permission bits (and, for
  root, its owner and group), and one the user may not write is refused, as ``cp`` and
  shell redirection refuse it. Where the system has no unnamed files or cannot link one, a
  hidden named one, ``.neurorice-<hex>``, is used and :func:`remove_temporaries` removes
  it on a signal.
- A name ending in ``/`` must be a directory, and a directory is refused: OUT is a file.
- OUT that is the input file itself (``same``: the input's ``os.stat_result``) is refused,
  as ``cp`` refuses to copy a file onto itself.

Only modules that ``./encode`` and ``./decode`` load anyway (the standard library's
built-in ones): they import this in every process. Linking an unnamed file takes
``linkat(AT_EMPTY_PATH)``, which Python's ``os`` has no way to ask for; where the
``/proc/self/fd`` link Python can make is refused (``EXDEV`` across some mounts, as in this
machine's sandbox), :func:`_link` calls the C library's ``linkat`` through :mod:`ctypes`,
imported then (10 ms).
"""

import errno
import os
import stat
import sys

#: The named temporary files being written, which an interrupted process removes.
TEMPORARIES = set()
#: ``linkat``'s flag and "the current directory", from <fcntl.h> (Linux).
AT_EMPTY_PATH, AT_FDCWD = 0x1000, -100
_BLOCK = 1 << 20


class OutputError(Exception):
    """OUT cannot be written: the message names it and says why."""


def _describe(path):
    return "standard output" if path == "-" else path


def _named_beside(directory):
    """A new empty hidden file in ``directory``: ``(descriptor, path)``.

    As :func:`tempfile.mkstemp`, but the file gets the permissions ``open()`` would give it,
    and without the 10 ms that importing :mod:`tempfile` adds to every process.
    """
    while True:
        path = os.path.join(directory, f".neurorice-{os.urandom(6).hex()}")
        try:
            TEMPORARIES.add(path)
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            TEMPORARIES.discard(path)
        except BaseException:
            TEMPORARIES.discard(path)
            raise


_linkat = None


def _link(fd, path):
    """Give the unnamed file ``fd`` the name ``path`` (which must not exist)."""
    global _linkat
    if _linkat is None:
        try:
            os.link(f"/proc/self/fd/{fd}", path)
            return
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        _linkat = libc.linkat
        _linkat.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                            ctypes.c_int)
        _linkat.get_errno = ctypes.get_errno
    if _linkat(fd, b"", AT_FDCWD, os.fsencode(path), AT_EMPTY_PATH) != 0:
        number = _linkat.get_errno()
        raise OSError(number, os.strerror(number), path)


def _unnamed_in(directory, mode=os.O_RDWR):
    """An unnamed file in ``directory`` (``O_TMPFILE``) that can be linked into place, or
    None where there is none."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        fd = os.open(directory, flag | mode, 0o666)
    except OSError as error:
        # the file system or the kernel has none
        if error.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None
        raise
    if mode == os.O_RDWR and not _can_link(directory):
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


def spool():
    """A new unnamed read-write temporary file (``$TMPDIR``, else ``/tmp``) as a binary
    file object; a hidden named one, at once unlinked, where there are no unnamed files."""
    directory = os.environ.get("TMPDIR") or "/tmp"
    fd = _unnamed_in(directory, os.O_RDWR | os.O_EXCL)
    if fd is None:
        fd, path = _named_beside(directory)
        os.unlink(path)
        TEMPORARIES.discard(path)
    return os.fdopen(fd, "w+b")


class Target:
    """OUT being written: write ``file``, then :meth:`commit` or :meth:`discard`."""

    def __init__(self, path, file, place=None, stream=None, keep=None, temporary=None):
        self.path, self.file = path, file
        self._place = place  # the regular file to link the output to
        self._stream = stream  # or the descriptor to copy it to
        self._keep = keep  # an existing OUT's os.stat_result, whose mode and owner stay
        self._temporary = temporary  # a named temporary file, where there is no unnamed one

    def commit(self):
        """Give the output OUT's place; :class:`OutputError` if it cannot."""
        try:
            self.file.flush()
            if self._stream is not None:
                self.file.seek(0)
                while block := self.file.read(_BLOCK):
                    _write_all(self._stream, block)
            else:
                fd = self.file.fileno()
                if self._keep is not None:
                    os.fchmod(fd, stat.S_IMODE(self._keep.st_mode))
                    if os.geteuid() == 0:
                        os.fchown(fd, self._keep.st_uid, self._keep.st_gid)
                os.fsync(fd)
                if self._temporary is None:
                    _link_into_place(fd, self._place)
                else:
                    os.replace(self._temporary, self._place)
                    TEMPORARIES.discard(self._temporary)
                    self._temporary = None
        except OSError as error:
            raise OutputError(f"cannot write {_describe(self.path)}:"
                              f" {error.strerror or error}") from None
        finally:
            self.discard()

    def discard(self):
        """Drop the output: OUT stays as it was."""
        if self._temporary is not None:
            try:
                os.unlink(self._temporary)
            except OSError:
                pass
            TEMPORARIES.discard(self._temporary)
            self._temporary = None
        self.file.close()


def _standard_output(same):
    if sys.stdout is None:
        raise OutputError("cannot write standard output: Bad file descriptor")
    sys.stdout.flush()
    fd = sys.stdout.fileno()
    info = os.fstat(fd)
    if same is not None and stat.S_ISREG(info.st_mode) and _is(info, same):
        raise OutputError("standard output is the input file")
    return Target("-", spool(), stream=fd)


def _is(a, b):
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def open_output(path, same=None, replace=False):
    """OUT ``path`` made ready to write by the rules above: a :class:`Target`;
    :class:`OutputError` if it cannot be written. ``same`` is the input's
    ``os.stat_result``, which OUT must not be. ``replace``: a FIFO, device or socket at
    ``path`` is replaced by a regular file, not written (the batch commands' outputs)."""
    try:
        if path == "-":
            return _standard_output(same)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            info = None
            if os.path.islink(path):
                raise OutputError(f"cannot write {path}: it is a symbolic link to a file"
                                  " that does not exist (as cp, not written through)") from None
            if path.endswith("/"):
                raise OutputError(f"cannot write {path}: Not a directory") from None
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise OutputError(f"cannot write {path}: it is a directory")
        if info is not None and same is not None and _is(info, same):
            raise OutputError(f"cannot write {path}: it is the input file itself")
        if replace and info is not None and not stat.S_ISREG(info.st_mode):
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
            try:
                return Target(path, spool(), stream=fd)
            except BaseException:
                os.close(fd)
                raise
        if path.endswith("/"):
            raise OutputError(f"cannot write {path}: Not a directory")
        if info is not None and not os.access(path, os.W_OK):
            raise OutputError(f"cannot write {path}: Permission denied")
        place = os.path.realpath(path)
        directory = os.path.dirname(place)
        fd = _unnamed_in(directory)
        temporary = None
        if fd is None:
            fd, temporary = _named_beside(directory)
        return Target(path, os.fdopen(fd, "w+b"), place=place, keep=info,
                      temporary=temporary)
    except OSError as error:
        raise OutputError(f"cannot write {_describe(path)}: {error.strerror or error}") from None


def write(path, data, same=None):
    """Write the bytes ``data`` to OUT ``path`` by the rules above; :class:`OutputError` if
    it cannot."""
    target = open_output(path, same)
    try:
        target.file.write(data)
    except OSError as error:
        target.discard()
        raise OutputError(f"cannot write {_describe(path)}: {error.strerror or error}") from None
    target.commit()


def remove_temporaries():
    """Remove the named temporary files being written (the unnamed ones need nothing)."""
    for path in list(TEMPORARIES):
        try:
            os.unlink(path)
        except OSError:
            pass
