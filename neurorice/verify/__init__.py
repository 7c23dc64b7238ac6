"""The generated Verilog in Verilator on recordings, word for word against the golden model.

``neurorice verify`` (:mod:`.command`) runs it on a set of recordings, ``neurorice sim``
(:mod:`neurorice.sim`) on one, with its options, build and checks; one module a concept:

- :mod:`.expected`: the golden model's words of a recording (its samples, their channels,
  the reference model);
- :mod:`.comparison`: the harness's words against them (:class:`Mismatch`,
  :class:`FileResult`);
- :mod:`.recording`: one recording through the harness at full rate and with idle and
  backpressure (:class:`Settings`, :func:`check`);
- :mod:`.command`: the options, the build of the harness, and the report.
"""

from .command import add_arguments, describe, main, prepare
from .comparison import compare
from .expected import VerifyError, arrange, golden_words, recording_samples
from .recording import check

__all__ = ["VerifyError", "add_arguments", "arrange", "check", "compare",
           "describe", "golden_words", "main", "prepare", "recording_samples"]
