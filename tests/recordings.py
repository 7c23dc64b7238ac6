"""The challenge's training recordings, for tests: read from ``../shared/data/train.zip``.

The recordings are not part of the project. A test that needs them fails, rather than
skips, when they are absent, saying where they were expected.
"""

import struct
import zipfile

from golden import wav
from neurorice.recordings import DEFAULT_DATA, spread

TRAIN_ZIP = DEFAULT_DATA


def training_names():
    """The sorted ``.wav`` member names of the training archive."""
    if not TRAIN_ZIP.is_file():
        raise FileNotFoundError(
            f"training data not found: expected the challenge's recordings at {TRAIN_ZIP}"
            " (data.zip layout, files under data/)")
    with zipfile.ZipFile(TRAIN_ZIP) as archive:
        return sorted(n for n in archive.namelist() if n.lower().endswith(".wav"))


def training_recordings(count, samples=None):
    """``count`` recordings spread over the archive (:func:`neurorice.recordings.spread`), as
    ``(name, wav bytes)``.

    With ``samples``, each is cut to its first ``samples`` samples, with a canonical header.
    """
    names = training_names()
    chosen = spread(names, count)
    with zipfile.ZipFile(TRAIN_ZIP) as archive:
        for name in chosen:
            data = archive.read(name)
            if samples is not None:
                pcm = wav.parse_pcm16(data)
                values = pcm.samples[:samples]
                data = (wav.header(pcm.rate, pcm.channels, len(values))
                        + struct.pack(f"<{len(values)}h", *values))
            yield name, data
