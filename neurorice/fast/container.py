""":func:`golden.container.compress` and :func:`~golden.container.decompress`, per sample in C.

The golden container does three things sample by sample in Python: unpacking the WAV's
samples, the lattice mapping (:mod:`golden.samples`) and packing the samples back; at
about 6 ms a recording they would cost more than the codec itself. Here the C module does
them, and the coding, on packed 16-bit arrays, with tables made from
:data:`golden.samples.CODE_TO_VALUE`, as the container's :class:`~golden.container.SampleSteps`;
the container itself is the golden one. ``tests/test_fast_container.py`` checks the two
against each other, output for output and error for error.
"""

import struct

from golden import container as spec
from golden import samples
from golden.container import FormatError

from . import require
from .edges import back_end
from .order import ranked, restored

__all__ = ["FormatError", "compress", "compress_file", "decompress", "decompress_file"]

_core = require()

# The tables are native 16-bit arrays in bytes, made without the array module: importing it
# imports collections, which would add 2 ms to every ./encode and ./decode process.
#: The ADC code of each 16-bit bit pattern, 0xFFFF for the values off the lattice.
_table = bytearray(b"\xff\xff" * (1 << 16))
_codes = memoryview(_table).cast("H")
for _code, _value in enumerate(samples.CODE_TO_VALUE):
    _codes[_value & 0xFFFF] = _code
TO_CODE = bytes(_table)
#: The 16-bit value of each ADC code.
TO_VALUE = struct.pack(f"{len(samples.CODE_TO_VALUE)}h", *samples.CODE_TO_VALUE)


class FastSteps(spec.SampleSteps):
    """The container's per-sample steps in C, on packed 16-bit arrays (little-endian hosts)."""

    @staticmethod
    def unpack(data, offset, count):
        return memoryview(data)[offset : offset + 2 * count].cast("h")

    @staticmethod
    def to_codes(values):
        return _core.values_to_codes(values, TO_CODE)

    to_linear = staticmethod(_core.offset_values)

    @staticmethod
    def count_codes(codes, wanted):
        # each wanted code to 1, every other to 0: the 16-bit ones are the only b"\1\0"
        marks = bytearray(2 << 16)
        for code in wanted:
            marks[2 * code] = 1
        return _core.values_to_codes(codes, bytes(marks)).count(b"\1\0")

    @staticmethod
    def encode(values, width, channels, *, coder="rice", near=0, table=None):
        return _core.encode(ranked(values, coder, near, table, width), width, channels,
                            near=near, **back_end(coder, width, table))

    @staticmethod
    def decode(data, count, width, channels, *, coder="rice", near=0, table=None):
        return restored(_core.decode(data, count, width, channels, near=near,
                                     **back_end(coder, width, table)),
                        coder, near, table, width)

    @staticmethod
    def from_codes(codes):
        return _core.codes_to_values(codes, TO_VALUE)

    from_linear = staticmethod(_core.unoffset_values)


def compress(original, *, coder="rice", near=0, table=None):
    """The compressed form of the bytes ``original``, as :func:`golden.container.compress`;
    ``table`` is the ``"adc"`` back end's (:data:`golden.adc.DEFAULT` if None)."""
    return spec.compress(original, FastSteps, coder=coder, near=near, table=table)


def decompress(data):
    """The original bytes of ``data``, as :func:`golden.container.decompress`."""
    return spec.decompress(data, FastSteps)


def compress_file(source, sink, *, coder="rice", near=0, table=None):
    """Write the compressed form of the seekable file ``source`` to the seekable file
    ``sink``, as :func:`golden.container.compress_file`."""
    spec.compress_file(source, sink, FastSteps, coder=coder, near=near, table=table)


def decompress_file(source, sink):
    """Write the original of the compressed file ``source`` to ``sink``, as
    :func:`golden.container.decompress_file`."""
    spec.decompress_file(source, sink, FastSteps)
