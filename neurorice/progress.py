"""Progress on standard error, in the two forms the commands use.

:class:`Bar` counts items done of a known total (recordings, files): redrawn in place on a
terminal; elsewhere nothing, or with ``log_tenths`` a line at each tenth, so that the log of
a long check shows it moving without filling up. :class:`Log` prints timestamped stage lines
(synthesis, placement, simulation) for the long hardware reports.
"""

import sys
import time

__all__ = ["Bar", "Log"]


class Bar:
    """``label [#####.....] done/total  elapsed`` on ``stream`` (standard error)."""

    WIDTH = 30

    def __init__(self, total, label, stream=None, log_tenths=False):
        self.total, self.label, self.stream = total, label, stream or sys.stderr
        self.terminal = self.stream.isatty()
        self.log_tenths = log_tenths
        self.started = time.perf_counter()
        self.drawn = False
        self.done = 0

    def update(self, done):
        """Show ``done`` of the total."""
        self.done = done
        elapsed = time.perf_counter() - self.started
        if self.terminal:
            filled = self.WIDTH * done // max(1, self.total)
            print(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                  f"{done}/{self.total}  {elapsed:.1f} s", end="", file=self.stream, flush=True)
            self.drawn = True
        elif self.log_tenths and done < self.total and done % max(1, self.total // 10) == 0:
            print(f"{self.label}: {done}/{self.total}  {elapsed:.1f} s", file=self.stream,
                  flush=True)

    def say(self, line, stream=None):
        """Print ``line`` (to ``stream``, standard output by default) without breaking the
        bar: its line is ended first and redrawn after."""
        if self.drawn:
            print(file=self.stream, flush=True)
            self.drawn = False
        print(line, file=stream or sys.stdout, flush=True)
        if self.terminal and self.done:
            self.update(self.done)

    def close(self):
        """End the bar's line."""
        if self.drawn:
            print(file=self.stream, flush=True)
            self.drawn = False


class Log:
    """``[elapsed] message`` lines on ``stream`` (standard error), unless ``quiet``."""

    def __init__(self, stream=None, quiet=False):
        self._stream = stream
        self._quiet = quiet
        self._start = time.monotonic()

    def elapsed(self):
        """Seconds since the log started."""
        return time.monotonic() - self._start

    def __call__(self, message):
        if self._quiet:
            return
        stream = self._stream or sys.stderr
        print(f"[{self.elapsed():7.1f} s] {message}", file=stream, flush=True)
