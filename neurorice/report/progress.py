"""Progress lines on standard error while a report is built."""

import sys
import time

__all__ = ["Progress"]


class Progress:
    """Print ``[elapsed] message`` lines to ``stream`` (standard error by default)."""

    def __init__(self, stream=None, quiet=False):
        self._stream = stream
        self._quiet = quiet
        self._start = time.monotonic()

    def elapsed(self):
        """Seconds since the report started."""
        return time.monotonic() - self._start

    def __call__(self, message):
        if self._quiet:
            return
        stream = self._stream or sys.stderr
        print(f"[{self.elapsed():7.1f} s] {message}", file=stream, flush=True)
