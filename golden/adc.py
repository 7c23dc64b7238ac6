"""The ADC's code widths: where each code sits on the analog axis.

A successive-approximation ADC's codes are not equally wide: each code ``x`` owns its own
interval of the analog input, ``[edge(x), edge(x + 1))``, in units of ``1 / 2**FRACTION_BITS``
of an average code (its differential non-linearity). The implant's ADC repeats one pattern
of widths every 32 codes, with a few codes apart (code 511, at the mid-scale carry, is
almost never produced). A table of widths is a calibration of an ADC, fitted from
recordings (``neurorice calibrate``), never of one file: :data:`DEFAULT` is this implant's
ADC, fitted on the training recordings; :data:`UNIFORM` is an ideal ADC.

A table is a period of ``period`` widths (a power of two), repeated over the codes, and a
few exceptions, codes whose width is their own::

    width(x) = exceptions.get(x, widths[x % period])
    edge(x)  = sum of width(y) for y < x

so hardware computes an edge from a ``period``-entry table of running sums, a multiply of
the block index by the period's sum (a shift when that sum is ``period << FRACTION_BITS``,
as a calibration makes it), and one comparator and adder an exception.
"""

#: Fraction bits of the analog axis: an average code is ``2**FRACTION_BITS`` units wide.
FRACTION_BITS = 4
#: The widest code, in units: a width is one byte in the container.
MAX_WIDTH = 255
#: Most exceptions a table may have.
MAX_EXCEPTIONS = 64


class AdcTable:
    """The widths of a ``width``-bit ADC's codes.

    Parameters
    ----------
    widths : sequence of int
        One period of code widths, each ``0 .. MAX_WIDTH``; its length a power of two.
    exceptions : mapping of int to int
        Codes of a width of their own, ``{code: width}``.
    """

    def __init__(self, widths, exceptions=None):
        widths = tuple(widths)
        exceptions = dict(exceptions or {})
        period = len(widths)
        if period < 1 or period & (period - 1):
            raise ValueError(f"a width table's period must be a power of two, not {period}")
        if not all(isinstance(w, int) and 0 <= w <= MAX_WIDTH for w in widths):
            raise ValueError(f"code widths must be integers 0..{MAX_WIDTH}")
        if len(exceptions) > MAX_EXCEPTIONS:
            raise ValueError(f"a width table has at most {MAX_EXCEPTIONS} exceptions")
        if not all(isinstance(c, int) and c >= 0 and isinstance(w, int) and 0 <= w <= MAX_WIDTH
                   for c, w in exceptions.items()):
            raise ValueError(f"exceptions must map codes to widths 0..{MAX_WIDTH}")
        if not any(widths) and not any(exceptions.values()):
            raise ValueError("a width table needs a code of non-zero width")
        self.widths = widths
        self.exceptions = dict(sorted(exceptions.items()))
        self.period = period
        self._running = [sum(widths[:i]) for i in range(period + 1)]

    def __eq__(self, other):
        return (isinstance(other, AdcTable) and self.widths == other.widths
                and self.exceptions == other.exceptions)

    def __hash__(self):
        return hash((self.widths, tuple(self.exceptions.items())))

    def __repr__(self):
        return f"AdcTable({list(self.widths)}, {self.exceptions})"

    def width(self, code):
        """The width of ``code``, in units of ``2**-FRACTION_BITS`` of an average code."""
        return self.exceptions.get(code, self.widths[code % self.period])

    def edge(self, code):
        """The analog position of ``code``'s lower edge: the widths of the codes below it."""
        blocks, offset = divmod(code, self.period)
        position = blocks * self._running[self.period] + self._running[offset]
        for exception, width in self.exceptions.items():
            if exception < code:
                position += width - self.widths[exception % self.period]
        return position

    def centre(self, code):
        """The middle of ``code``'s interval, rounded down: ``edge + width // 2``."""
        return self.edge(code) + (self.width(code) >> 1)

    def check(self, width):
        """Raise ``ValueError`` unless the table fits ``width``-bit codes."""
        codes = 1 << width
        if self.period > codes:
            raise ValueError(f"the width table's period {self.period} exceeds the"
                             f" {codes} codes of {width}-bit samples")
        if any(c >= codes for c in self.exceptions):
            raise ValueError(f"the width table names a code beyond {width}-bit samples")
        if self.edge(codes) == 0:
            raise ValueError(f"every {width}-bit code of the width table has zero width")

    def to_bytes(self):
        """The table as the container stores it (``docs/FORMAT.md``)."""
        out = bytearray([self.period.bit_length() - 1])
        out += bytes(self.widths)
        out.append(len(self.exceptions))
        for code, width in self.exceptions.items():
            out += code.to_bytes(2, "little") + bytes([width])
        return bytes(out)

    @classmethod
    def from_bytes(cls, data, offset=0):
        """``(table, offset after it)`` from :meth:`to_bytes`' form; raises ``ValueError``."""
        def take(size):
            nonlocal offset
            if offset + size > len(data):
                raise ValueError("width table is truncated")
            chunk = data[offset:offset + size]
            offset += size
            return chunk

        log_period = take(1)[0]
        if log_period > 16:
            raise ValueError(f"width table's period 2**{log_period} is too long")
        widths = take(1 << log_period)
        exceptions = {}
        for _ in range(take(1)[0]):
            code = int.from_bytes(take(2), "little")
            if code in exceptions:
                raise ValueError(f"width table names code {code} twice")
            exceptions[code] = take(1)[0]
        return cls(widths, exceptions), offset


#: An ideal ADC: every code the same width.
UNIFORM = AdcTable([1 << FRACTION_BITS])

#: The implant's ADC, fitted on the 493 training recordings by ``neurorice calibrate``
#: (period 32, codes 510 and 511 apart; ``tools/study/interval.py``).
DEFAULT = AdcTable(
    [14, 11, 19, 20, 15, 15, 15, 23, 15, 11, 19, 25, 11, 15, 15, 17,
     14, 11, 20, 21, 16, 15, 16, 28, 12, 11, 19, 25, 11, 13, 14, 6],
    {510: 1, 511: 0},
)

#: Built-in tables, by the id the container stores.
BUILT_IN = {0: UNIFORM, 1: DEFAULT}


def default(width):
    """The table a ``width``-bit stream uses unless told: this implant's ADC for its 10-bit
    codes, an ideal ADC for any other width."""
    return DEFAULT if width == 10 else UNIFORM
