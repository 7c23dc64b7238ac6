"""One recording through the harness and the golden model, at full rate and with a handshake."""

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .. import harness
from .comparison import FileResult, compare
from .expected import VerifyError, arrange, golden_words, recording_samples

__all__ = ["Settings", "check"]


@dataclass
class Settings:
    """What every recording of a run goes through."""

    executable: Path
    width: int
    channels: int
    word_width: int
    idle: float = 0.0
    backpressure: float = 0.0
    seed: int = 1
    limit: int | None = None  # samples a recording
    reference: str = "golden"
    near: int = 0  # the error bound of near-lossless coding
    coder: str = "rice"

    def patterns(self, name):
        """``(label, idle, backpressure, seed)`` of the runs of recording ``name``."""
        runs = [("full rate", 0.0, 0.0, self.seed)]
        if self.idle or self.backpressure:
            label = f"idle {self.idle:g}, backpressure {self.backpressure:g}"
            runs.append((label, self.idle, self.backpressure,
                         self.seed ^ zlib.crc32(name.encode())))
        return runs


def check(source, name, settings, vcd=None):
    """One recording through the harness and the golden model: its :class:`FileResult`.

    The recording goes through at full rate, and again with random idle input cycles and
    output backpressure if ``settings`` asks for them; ``vcd`` records the last run.
    """
    result = FileResult(name)
    try:
        samples = recording_samples(source.read(name), settings.width)
    except (VerifyError, OSError, zipfile.BadZipFile) as error:
        result.error = str(error)
        return result
    samples = arrange(samples[: settings.limit], settings.channels)
    result.samples = len(samples)
    expected = golden_words(samples, settings.width, settings.channels, settings.word_width,
                            settings.reference, settings.near, settings.coder)
    if len(samples) == 0:  # an empty stream codes to no words and cannot be sent
        return result
    runs = settings.patterns(name)
    for j, (label, idle, backpressure, seed) in enumerate(runs):
        try:
            run = harness.run(settings.executable, [samples], idle=idle,
                              backpressure=backpressure, seed=seed,
                              vcd=vcd if j == len(runs) - 1 else None)
        except harness.HarnessError as error:
            result.error = f"{label}: harness: {error}"
            return result
        if j == 0:
            result.words, result.cycles = len(run.words), run.cycles
        result.mismatch = compare(expected, run.words)
        if result.mismatch:
            result.pattern = label
            return result
    return result
