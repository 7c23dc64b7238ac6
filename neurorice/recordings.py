"""The recordings a command or a test runs on: a ``data.zip``, a directory or one ``.wav``.

One place decides which recordings ``--files N`` means: :func:`spread` takes ``N`` names
evenly from the sorted list, the first and the last included, so that every command given
the same ``N`` checks the same recordings and a subset reaches both ends of the set.
Members are read only when asked for, one at a time, so that a command on the whole set
does not hold it in memory.
"""

import zipfile
from pathlib import Path

__all__ = ["DEFAULT_DATA", "Recording", "RecordingsError", "Source", "load", "spread"]

#: The challenge's training recordings, beside the repository.
DEFAULT_DATA = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
                / "train.zip").resolve()


class RecordingsError(Exception):
    """The recordings cannot be found or read; the message says where they were expected."""


def spread(items, count):
    """``count`` of ``items`` evenly spread over them, the first and the last included (all
    of them when ``count`` is ``None`` or at least their number)."""
    items = list(items)
    if count is None or count >= len(items):
        return items
    if count < 1:
        raise ValueError("count must be at least 1")
    if count == 1:
        return items[:1]
    return [items[j * (len(items) - 1) // (count - 1)] for j in range(count)]


class Source:
    """The ``.wav`` recordings (by name, sorted, case-insensitive suffix) of a zip archive,
    a directory (searched recursively) or a single file."""

    def __init__(self, path=DEFAULT_DATA):
        self.path = Path(path)
        if self.path.is_dir():
            self.kind = "directory"
            self.names = sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*")
                                if p.name.lower().endswith(".wav") and p.is_file())
        elif self.path.is_file() and zipfile.is_zipfile(self.path):
            self.kind = "zip"
            with zipfile.ZipFile(self.path) as archive:
                self.names = sorted(n for n in archive.namelist() if n.lower().endswith(".wav"))
        elif self.path.is_file():
            self.kind = "file"
            self.names = [self.path.name]
        elif self.path.exists():
            raise RecordingsError(f"{self.path} is not a zip archive, a directory or a file")
        else:
            raise RecordingsError(f"no recordings at {self.path}: give a data.zip, a directory"
                                  " of .wav files or one .wav file")
        if not self.names:
            raise RecordingsError(f"no .wav recordings in {self.path}")

    def read(self, name):
        """The bytes of recording ``name``."""
        if self.kind == "directory":
            return (self.path / name).read_bytes()
        if self.kind == "zip":
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(name)
        return self.path.read_bytes()

    def chosen(self, count=None):
        """The names :func:`spread` takes for ``--files count``."""
        return spread(self.names, count)


class Recording:
    """One recording: its name, its WAV bytes and (on first use) its 10-bit codes, ``None``
    when its samples are not on the 10-bit lattice."""

    def __init__(self, name, data):
        self.name = name
        self.data = data

    @property
    def codes(self):
        if not hasattr(self, "_codes"):
            from golden import wav
            from golden.samples import values_to_codes

            self._codes = values_to_codes(wav.parse_pcm16(self.data).samples)
        return self._codes


def load(path=DEFAULT_DATA, count=None):
    """The :class:`Recording` s of ``path`` that ``--files count`` chooses, read at once (in
    one pass over a zip)."""
    source = Source(path)
    names = source.chosen(count)
    if source.kind == "zip":
        with zipfile.ZipFile(source.path) as archive:
            return [Recording(name, archive.read(name)) for name in names]
    return [Recording(name, source.read(name)) for name in names]
