"""Ctrl-C, SIGTERM and SIGHUP end ``./encode`` and ``./decode`` at once, with one line.

Python runs a signal handler only in the main thread, between bytecodes: during a long call
into the C core (which releases the GIL while it codes) a ``KeyboardInterrupt`` would wait
for the call to end, then print a traceback. Instead, the signal's C-level handler writes
its number to a pipe (:func:`_signal.set_wakeup_fd`); a thread waiting on that pipe takes
the GIL (free while the core codes, or within the interpreter's switch interval), removes
any named temporary file, prints one line and leaves with ``os._exit(128 + signal)``: 130
for Ctrl-C. OUT is then untouched: the new output was an unnamed file, or a named one the
handler removes; a stream OUT gets the output only once it is complete (a signal during
that last copy cuts the stream short).

``_signal`` and ``_thread`` are the built-in modules under :mod:`signal` and
:mod:`threading`; importing those two costs about 25 ms a process (``enum`` and more).
"""

import _signal
import _thread
import os

SIGNALS = {_signal.SIGINT: "interrupted", _signal.SIGTERM: "terminated",
           _signal.SIGHUP: "hung up"}

# held by whichever decides the outcome first: a signal, or the program's end (finish())
_outcome = _thread.allocate_lock()


def _ignore(number, frame):
    """The main thread's handler: nothing to do, the watching thread acts."""


def _watch(pipe, name, cleanup):
    number = os.read(pipe, 1)[0]
    _outcome.acquire()
    cleanup()
    os.write(2, f"{name}: {SIGNALS.get(number, 'stopped by a signal')}\n".encode())
    os._exit(128 + number)


def install(name, cleanup):
    """From now on a signal of :data:`SIGNALS` calls ``cleanup()``, prints ``name: ...`` on
    stderr and ends the process. A signal ignored when the process started stays ignored
    (as under ``nohup``). Call from the main thread."""
    read, write = os.pipe()
    os.set_blocking(write, False)
    for number in SIGNALS:
        if _signal.getsignal(number) != _signal.SIG_IGN:
            _signal.signal(number, _ignore)
    _signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    _thread.start_new_thread(_watch, (read, name, cleanup))


def finish():
    """The program's outcome is decided (done, or an error to print): a signal from now on
    changes nothing, and one being handled ends the process before this returns."""
    _outcome.acquire()
