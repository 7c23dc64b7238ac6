"""A run's words against the golden model's: where they differ, and each file's outcome."""

from dataclasses import dataclass

__all__ = ["FileResult", "Mismatch", "compare"]


@dataclass
class Mismatch:
    """How a run's words differ from the golden model's."""

    count: int  # words that differ, plus the difference in length
    index: int  # the first differing word
    expected: tuple | None  # (word, last) there, None past the end
    got: tuple | None

    def describe(self, word_width=32):
        digits = word_width // 4

        def show(item):
            return "nothing" if item is None else f"{item[0]:0{digits}x} last={item[1]}"

        return (f"{self.count} word(s) differ; first at word {self.index}: "
                f"expected {show(self.expected)}, got {show(self.got)}")


def compare(expected, words):
    """The :class:`Mismatch` between golden ``(word, last)`` pairs and harness words, or None."""
    got = list(zip(words["word"].tolist(), words["last"].tolist()))
    if got == expected:
        return None
    common = min(len(got), len(expected))
    differ = [j for j in range(common) if got[j] != expected[j]]
    count = len(differ) + abs(len(got) - len(expected))
    index = differ[0] if differ else common
    return Mismatch(count, index, expected[index] if index < len(expected) else None,
                    got[index] if index < len(got) else None)


@dataclass
class FileResult:
    name: str
    samples: int = 0
    words: int = 0
    cycles: int = 0  # of the full-rate run
    mismatch: Mismatch | None = None
    pattern: str = ""  # of the run that mismatched
    error: str | None = None

    def problem(self, word_width=32):
        """What went wrong, or None."""
        if self.error:
            return self.error
        if self.mismatch:
            return f"{self.pattern}: {self.mismatch.describe(word_width)}"
        return None
