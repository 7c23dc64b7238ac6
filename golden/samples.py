"""Sample mapping: the implant's 10-bit ADC codes and the 16-bit values of the WAV files.

The challenge's recordings store 10-bit ADC codes spread over the signed 16-bit range. The
lattice is symmetric under one's complement: code ``c`` of the lower half maps to
``-round((511.5 - c) * 65535 / 1023)`` and code ``1023 - c`` to the bitwise complement of
that. Every one of the 1023 distinct values in the training recordings lies on it, and the
mapping is a bijection, so a file whose samples all lie on the lattice is coded as 10-bit
codes and restored exactly; any other file is coded as raw 16-bit samples.

The hardware never sees this mapping: the ADC delivers the codes themselves.
"""

CODE_BITS = 10
CODE_COUNT = 1 << CODE_BITS


def code_to_value(code):
    """The signed 16-bit WAV value of a 10-bit ADC code (0 to 1023)."""
    if not 0 <= code < CODE_COUNT:
        raise ValueError(f"ADC code must be 0..{CODE_COUNT - 1}, not {code!r}")
    if code >= CODE_COUNT // 2:
        return ~code_to_value(CODE_COUNT - 1 - code)
    # round((1023 - 2c) * 65535 / 2046), halves rounded up, in integers
    return -(((CODE_COUNT - 1 - 2 * code) * 65535 + (CODE_COUNT - 1)) // (2 * (CODE_COUNT - 1)))


#: ``CODE_TO_VALUE[c]`` is the 16-bit value of code ``c``; increasing in ``c``.
CODE_TO_VALUE = tuple(code_to_value(c) for c in range(CODE_COUNT))

#: The inverse of :data:`CODE_TO_VALUE`, for the values on the lattice.
VALUE_TO_CODE = {value: code for code, value in enumerate(CODE_TO_VALUE)}


def values_to_codes(values):
    """The ADC codes of 16-bit values, or ``None`` if any value is off the lattice."""
    try:
        return [VALUE_TO_CODE[v] for v in values]
    except KeyError:
        return None


def codes_to_values(codes):
    """The 16-bit values of ADC codes."""
    return [CODE_TO_VALUE[c] for c in codes]
