"""The configuration a report describes, and its Verilog."""

from dataclasses import dataclass

__all__ = ["CHANNEL_RATE_HZ", "IMPLANT_CLOCK_MHZ", "IMPLANT_CHANNELS", "Design"]

#: The implant: 1024 channels at 20 kHz each, so 20.48 M samples a second, one a clock.
IMPLANT_CHANNELS = 1024
#: A channel's samples a second (the implant's 20 kHz; the recordings' 19,531 Hz is 2 % less).
CHANNEL_RATE_HZ = 20_000
IMPLANT_CLOCK_MHZ = IMPLANT_CHANNELS * CHANNEL_RATE_HZ / 1e6


@dataclass(frozen=True)
class Design:
    """An encoder configuration: :class:`gateware.encoder.Encoder` parameters.

    ``ice40`` selects the variant built for the iCE40 UP5K: with an even channel count, part
    of the channels' state in SPRAM (``state_memory="ice40"``); the generic variant keeps
    it in memories with a read and a write port.
    """

    channels: int
    width: int = 10
    word_width: int = 32
    near: int = 0  # near-lossless: the error bound δ (its state stays out of SPRAM)
    #: The ASIC's low-power variant (``Encoder(..., low_power=True)``; with ``compact``, the
    #: same gateware, its clocks gated by the ASIC flow); the FPGA's is not.
    low_power: bool = False
    coder: str = "rice"  # the back end: "rice", "arith" (gateware.arith) or "adc"
    #: The ASIC encoder of a sample a clock with no pipeline: lossless, Rice
    #: (:class:`gateware.compact.CompactEncoder`) or ADC-aware with the default table
    #: (:class:`gateware.compact_interval.CompactIntervalEncoder`, the table of
    #: :func:`golden.adc.default` fixed in its gates).
    compact: bool = False

    def top(self, ice40=False):
        """The Verilog module name."""
        from neurorice.verilog import module_name

        name = module_name(self.width, self.channels, self.word_width, self.near, self.coder)
        name = f"{name}_lp" if self.low_power else name
        name = f"{name}_compact" if self.compact else name
        return f"{name}_ice40" if ice40 and self.uses_spram() else name

    def uses_spram(self):
        """Whether the iCE40 variant keeps state in SPRAM: an even count of two or more."""
        return self.channels >= 2 and self.channels % 2 == 0 and not self.near

    def verilog(self, ice40=False):
        """The Verilog text of the encoder."""
        from gateware.encoder import Encoder, check_parameters
        from neurorice.verilog import convert

        if self.compact:
            from gateware.compact import CompactEncoder
            from gateware.compact_interval import CompactIntervalEncoder

            # low_power leaves its gateware as it is: the ASIC flow gates its clocks
            if self.near or self.coder not in ("rice", "adc"):
                raise ValueError("the compact encoder is lossless, Rice or adc")
            kind = CompactIntervalEncoder if self.coder == "adc" else CompactEncoder
            return convert(kind(self.width, self.channels, self.word_width), self.top())
        memory = "ice40" if ice40 and self.uses_spram() else "generic"
        check_parameters(self.width, self.channels, self.word_width, memory, self.near,
                         self.coder)
        near = {"near": self.near} if self.near else {}
        encoder = Encoder(self.width, self.channels, self.word_width, state_memory=memory,
                          low_power=self.low_power, coder=self.coder, **near)
        return convert(encoder, self.top(ice40))
