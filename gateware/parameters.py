"""Validation of the parameters shared by the encoder's blocks, with the golden core's limits."""

from golden import core, near, rice

__all__ = ["check_channels", "check_near", "check_width", "check_word_width"]


def _check_int(value, what):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, not {value!r}")


def check_width(width):
    """Raise unless ``width`` is a sample width the golden core supports."""
    _check_int(width, "sample width")
    if not 1 <= width <= core.MAX_WIDTH:
        raise ValueError(f"sample width must be 1..{core.MAX_WIDTH} bits, not {width!r}")


def check_channels(channels):
    """Raise unless ``channels`` is a channel count the golden core supports."""
    _check_int(channels, "channel count")
    if not 1 <= channels <= core.MAX_CHANNELS:
        raise ValueError(f"channel count must be 1..{core.MAX_CHANNELS}, not {channels!r}")


def check_word_width(word_width, width):
    """Raise unless ``word_width`` is a word width of :class:`golden.bits.BitWriter` that
    takes a worst-case codeword of ``width``-bit samples every clock."""
    _check_int(word_width, "word width")
    if not 8 <= word_width <= 64 or word_width % 8:
        raise ValueError(f"word width must be 8, 16, ... 64 bits, not {word_width!r}")
    longest = rice.max_codeword_bits(width)
    if word_width < longest:
        raise ValueError(
            f"word width must be at least {longest} bits, the longest codeword of {width}-bit "
            f"samples, to take a codeword every clock; not {word_width!r}")


def check_near(value, width):
    """Raise unless ``value`` is an error bound δ of the golden core at ``width`` bits."""
    _check_int(value, "near (the error bound δ)")
    near.check_near(value, width)
