"""The golden model's words of a recording: its samples, their channels, the reference."""

import random
import struct

import numpy as np
import pytest

from golden import wav
from golden.bits import BitWriter
from golden.core import encode_stream
from golden.samples import codes_to_values
from neurorice.verify import expected


def wav_bytes(codes):
    """A canonical WAV file of 10-bit codes."""
    values = codes_to_values(codes)
    return wav.header(19531, 1, len(values)) + struct.pack(f"<{len(values)}h", *values)


def walk(count, seed):
    rng = random.Random(seed)
    x, out = 512, []
    for _ in range(count):
        x = min(1023, max(0, x + rng.randint(-9, 9)))
        out.append(x)
    return out


def test_arrange_is_segments_interleaved():
    samples = np.arange(10)
    assert list(expected.arrange(samples, 1)) == list(range(10))
    # 10 = 3 + 3 + 2 + 2: channel c carries segment c
    assert list(expected.arrange(samples, 4)) == [0, 3, 6, 8, 1, 4, 7, 9, 2, 5]
    assert list(expected.arrange(samples[:3], 5)) == [0, 1, 2]
    for count, channels in [(1000, 7), (99, 1024), (2048, 1024), (0, 3)]:
        arranged = expected.arrange(np.arange(count), channels)
        assert sorted(arranged) == list(range(count))
        for c in range(min(channels, count)):
            segment = list(arranged[c::channels])
            assert segment == list(range(segment[0], segment[0] + len(segment)))


def test_golden_words_mark_the_last():
    samples = walk(300, 1)
    words = encode_stream(samples, 10, 2, BitWriter(32)).flush()
    assert expected.golden_words(samples, 10, 2) == [(w, int(j == len(words) - 1))
                                                    for j, w in enumerate(words)]


def test_recording_samples():
    codes = walk(50, 2)
    assert list(expected.recording_samples(wav_bytes(codes))) == codes
    values = codes_to_values(codes)
    assert list(expected.recording_samples(wav_bytes(codes), 16)) == [v + 32768 for v in values]
    off = wav.header(100, 1, 2) + struct.pack("<2h", 1, 2)
    with pytest.raises(expected.VerifyError, match="off the 10-bit lattice"):
        expected.recording_samples(off)
    with pytest.raises(expected.VerifyError, match="not a 16-bit PCM WAV"):
        expected.recording_samples(b"not a wav")


@pytest.mark.parametrize("width, channels, word_width", [(10, 1, 32), (10, 7, 32), (4, 3, 24),
                                                         (16, 2, 64)])
def test_fast_reference_is_golden(width, channels, word_width):
    rng = random.Random(width)
    for count in (0, 1, 5, 999):
        samples = [rng.randrange(1 << width) for _ in range(count)]
        assert expected.golden_words(samples, width, channels, word_width, "fast") == \
            expected.golden_words(samples, width, channels, word_width)
