"""The back ends: what follows the predictor and the Rice parameter, one entry a back end.

Every layer takes its list of back ends from :data:`BACK_ENDS` (names in :data:`CODERS`):
the core's coders (:mod:`golden.core`), the container's flags and bounds
(:mod:`golden.container`), the fast path, the gateware and the commands' ``--coder``.
"""

__all__ = ["BACK_ENDS", "CODERS", "DEFAULT_CODER", "HARDWARE_CODER", "BackEnd"]


class BackEnd:
    """One back end.

    Members
    -------
    name : str
        As ``--coder`` and ``coder=`` name it.
    summary : str
        One line for help texts and reports.
    flag : int
        Its bit in the container's core flags (0: none, the Rice codewords).
    samples_a_bit : int
        At most this many samples a bit of payload (``docs/FORMAT.md`` 6): a decoder refuses
        a larger count before decoding anything.
    """

    __slots__ = ("name", "summary", "flag", "samples_a_bit")

    def __init__(self, name, summary, flag, samples_a_bit):
        self.name, self.summary = name, summary
        self.flag, self.samples_a_bit = flag, samples_a_bit

    def __repr__(self):
        return f"BackEnd({self.name!r})"


BACK_ENDS = {
    "rice": BackEnd("rice", "adaptive Golomb-Rice codewords: the smallest hardware", 0, 1),
    "arith": BackEnd("arith", "range coded Rice quotients, an adaptive CDF a k "
                     "(golden.arith)", 2, 2048),
    "adc": BackEnd("adc", "the ADC-aware arithmetic coder: each code's calibrated interval "
                   "(golden.interval)", 8, 32768),
}
#: The back ends' names.
CODERS = tuple(BACK_ENDS)
#: The back end ``./encode`` writes unless told, and the file codec's commands (``eval``,
#: ``bench``, ``verify-fast``, ``near-check``) check unless told.
DEFAULT_CODER = "adc"
#: The back end the hardware commands (``verilog``, ``verify``, ``sim``, ``report``,
#: ``asic``) build unless told: the smallest hardware, the only one that fits the iCE40 UP5K
#: at 1024 channels and the compact ASIC encoder of the least power (docs/HARDWARE.md).
HARDWARE_CODER = "rice"
