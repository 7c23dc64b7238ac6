"""The recordings a report is measured on: the challenge's training set, as a zip."""

import pathlib
import zipfile

from golden import wav
from golden.samples import values_to_codes

__all__ = ["DEFAULT_DATA", "Recording", "load"]

#: The challenge's training recordings, beside the repository.
DEFAULT_DATA = (pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
                / "train.zip").resolve()


class Recording:
    """One recording: its name, its WAV bytes, and its 10-bit codes (``None`` if off the
    lattice)."""

    def __init__(self, name, data):
        self.name = name
        self.data = data
        self.codes = values_to_codes(wav.parse_pcm16(data).samples)


def load(path=DEFAULT_DATA, count=None):
    """``count`` recordings spread evenly over the sorted ``.wav`` members of the zip at
    ``path`` (all of them without ``count``)."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"recordings not found: expected a zip of .wav files at {path}")
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.lower().endswith(".wav"))
        if count is not None:
            names = names[:: max(1, len(names) // count)][:count]
        return [Recording(name, archive.read(name)) for name in names]
