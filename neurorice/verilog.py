"""``neurorice verilog``: the encoder gateware as a Verilog module.

Run as ``neurorice verilog [--channels C] [--sample-width W] [--word-width B] [-o FILE]`` or
``python -m neurorice.verilog ...``; without ``-o`` the Verilog goes to standard output.
``hdl/`` holds the output for the :data:`DEFAULTS` configurations, which
``tests/gateware/test_hdl.py`` keeps fresh: regenerate them with
``python -m neurorice.verilog --update-hdl``.
"""

import argparse
import pathlib
import sys

#: ``(width, channels, word_width)`` of the Verilog kept in ``hdl/``.
DEFAULTS = ((10, 1, 32), (10, 1024, 32))
#: ``(width, channels, word_width)`` of the arithmetic back end's Verilog kept in ``hdl/``.
ARITH_DEFAULTS = ((10, 1, 32), (10, 1024, 32))
#: ``(width, channels, word_width)`` of the ADC-aware back end's Verilog kept in ``hdl/``
#: (its table :func:`golden.adc.default`, this implant's ADC at 10 bits).
ADC_DEFAULTS = ((10, 1, 32), (10, 1024, 32))
#: ``(width, channels, word_width)`` of the compact ASIC encoder's Verilog kept in ``hdl/``.
COMPACT_DEFAULTS = ((10, 1, 32), (10, 1024, 32))
#: The back ends the compact encoder has.
COMPACT_CODERS = ("rice", "adc")

HDL = pathlib.Path(__file__).resolve().parent.parent / "hdl"


def module_name(width, channels, word_width=32, near=0, coder="rice"):
    """``neurorice_encoder_c{channels}_w{width}``, and ``_b{word_width}`` unless 32,
    ``_near{δ}`` when near-lossless, ``_arith`` or ``_adc`` for the arithmetic back ends."""
    name = f"neurorice_encoder_c{channels}_w{width}"
    name = name if word_width == 32 else f"{name}_b{word_width}"
    name = f"{name}_near{near}" if near else name
    return name if coder == "rice" else f"{name}_{coder}"


def compact_name(width, channels=1, word_width=32, coder="rice"):
    """``neurorice_encoder_c{channels}_w{width}[_b{word_width}][_adc]_compact``."""
    return f"{module_name(width, channels, word_width, coder=coder)}_compact"


def _header(width, channels, word_width, near=0, coder="rice", compact=False):
    ports = (
        f"i__payload = {{last, sample[{width - 1}:0]}}, i__valid, i__ready: samples in",
        f"o__payload = {{last, word[{word_width - 1}:0]}}, o__valid, o__ready: words out",
        "clk, rst: clock; asynchronous active-high reset (release it in step with clk)",
    )
    lines = [
        f"neurorice encoder: {width}-bit samples, {channels} channel(s) interleaved"
        + f" round-robin, {word_width}-bit words"
        + {"rice": ".", "arith": ", arithmetic-coded back end.",
           "adc": ", ADC-aware arithmetic-coded back end (the default width table)."}[coder],
        "Generated from gateware/ by `neurorice verilog`; do not edit.",
        *ports,
    ]
    if near:
        lines.insert(1, f"Near-lossless: every sample coded within ±{near} (near = {near}).")
    if compact:
        source = "compact_interval.py" if coder == "adc" else "compact.py"
        lines.insert(1, f"The ASIC encoder: a sample a clock, no pipeline (gateware/{source}).")
    return "".join(f"// {line}\n" for line in lines)


#: Yosys's script from Amaranth's RTLIL to Verilog: Amaranth's own, except that processes
#: become multiplexers (``proc``, not ``proc -nomux``), so that the Verilog's logic is
#: continuous assignments. An ``always @*`` block runs only when an input changes, and under
#: SystemVerilog's rules (``iverilog -g2012``, as cocotb runs it) nothing changes at time 0,
#: so a block whose inputs keep their initial values through reset is never run and leaves X
#: behind; a continuous assignment holds its value from the start. (``pmuxtree`` makes
#: parallel cases chains of selects, which Yosys would otherwise write as functions named
#: ``\$procmux$N``, names Icarus takes for system functions.)
_TO_VERILOG = (
    "read_rtlil design.il; proc -norom; pmuxtree; memory_collect; "
    "attrmap -remove generator -remove top -remove src -remove amaranth.hierarchy "
    "-remove amaranth.decoding; "
    "attrmap -modattr -remove generator -remove top -remove src -remove amaranth.hierarchy "
    "-remove amaranth.decoding; "
    "write_verilog -norename design.v"
)


def convert(encoder, name):
    """The Verilog text of ``encoder``: a module ``name`` with the ports of its signature and
    ``clk``, ``rst``.

    The clock domain's reset is asynchronous. An iCE40 flip-flop's synchronous reset acts
    only when the flip-flop is enabled, so a synchronous reset joins the logic of every
    enable it overrides, and the pipelines' enables are their longest paths; an
    asynchronous reset is a pin of its own. (An ASIC's reset is the usual asynchronous
    assertion and synchronous release.)
    """
    from amaranth.back import rtlil
    from amaranth.hdl import ClockDomain, Module, Value

    from neurorice.hardware.tools import run_tool

    top = Module()
    top.domains.sync = domain = ClockDomain("sync", async_reset=True)
    top.submodules.encoder = encoder
    ports = {"clk": (domain.clk, None), "rst": (domain.rst, None)}
    for path, _member, value in encoder.signature.flatten(encoder):
        ports["__".join(map(str, path))] = (Value.cast(value), None)
    text = rtlil.convert(top, name=name, ports=ports, emit_src=False)
    run = run_tool("yosys", ["-q", "-p", _TO_VERILOG], {"design.il": text.encode()},
                   ["design.v"])
    if run["returncode"] != 0:
        raise RuntimeError(f"yosys could not write the Verilog:\n{run['log'][-2000:]}")
    return run["files"]["design.v"].decode()


def generate(width=10, channels=1, word_width=32, near=0, coder="rice"):
    """The Verilog text of :class:`gateware.encoder.Encoder` ``(width, channels, word_width,
    near=near, coder=coder)``.

    Raises ``TypeError`` or ``ValueError`` for parameters the encoder does not support.
    """
    from gateware.encoder import Encoder, check_parameters

    check_parameters(width, channels, word_width, near=near, coder=coder)  # before an Encoder
    encoder = Encoder(width, channels, word_width, near=near, coder=coder) if near else Encoder(
        width, channels, word_width, coder=coder)
    return _header(width, channels, word_width, near, coder) + convert(
        encoder, module_name(width, channels, word_width, near, coder))


def generate_compact(width=10, channels=1, word_width=32, coder="rice"):
    """The Verilog text of the compact ASIC encoder ``(width, channels, word_width)``:
    :class:`gateware.compact.CompactEncoder` (``rice``) or
    :class:`gateware.compact_interval.CompactIntervalEncoder` (``adc``, the default table)."""
    from gateware.compact import CompactEncoder
    from gateware.compact_interval import CompactIntervalEncoder
    from gateware.parameters import check_channels, check_width, check_word_width

    if coder not in COMPACT_CODERS:
        raise ValueError(f"the compact encoder is lossless, {' or '.join(COMPACT_CODERS)}; "
                         f"not {coder!r}")
    check_width(width)  # before an encoder, which Amaranth would warn was never used
    check_word_width(word_width, width)
    check_channels(channels)
    kind = CompactIntervalEncoder if coder == "adc" else CompactEncoder
    return _header(width, channels, word_width, coder=coder, compact=True) + convert(
        kind(width, channels, word_width), compact_name(width, channels, word_width, coder))


def default_path(width, channels, word_width=32, near=0, coder="rice"):
    """The file in ``hdl/`` of a configuration."""
    return HDL / f"{module_name(width, channels, word_width, near, coder)}.v"


def compact_path(width, channels=1, word_width=32, coder="rice"):
    """The file in ``hdl/`` of a compact encoder."""
    return HDL / f"{compact_name(width, channels, word_width, coder)}.v"


def add_arguments(parser):
    """Add the options of ``neurorice verilog`` to ``parser``."""
    parser.add_argument("--sample-width", type=int, default=10, metavar="W",
                        help="sample width in bits, 1..16 (default 10)")
    parser.add_argument("--channels", type=int, default=1, metavar="C",
                        help="channels interleaved round-robin (default 1)")
    parser.add_argument("--word-width", type=int, default=32, metavar="B",
                        help="output word width in bits, 8..64, at least W + 16 (default 32)")
    parser.add_argument("--near", type=int, default=0, metavar="D",
                        help="near-lossless with error bound D (default 0: lossless)")
    from .options import add_coder

    add_coder(parser, hardware=True)
    parser.add_argument("--compact", action="store_true",
                        help="the ASIC encoder, a sample a clock, no pipeline (lossless; rice "
                             "or adc)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the Verilog to FILE (default: standard output)")
    parser.add_argument("--update-hdl", action="store_true",
                        help="regenerate the default configurations in hdl/ and exit")


def run(args):
    """Carry out ``neurorice verilog`` with parsed ``args``; the exit status."""
    if args.update_hdl:
        for configuration in DEFAULTS:
            path = default_path(*configuration)
            path.write_text(generate(*configuration))
            print(path)
        for configuration in ARITH_DEFAULTS:
            path = default_path(*configuration, coder="arith")
            path.write_text(generate(*configuration, coder="arith"))
            print(path)
        for configuration in ADC_DEFAULTS:
            path = default_path(*configuration, coder="adc")
            path.write_text(generate(*configuration, coder="adc"))
            print(path)
        for configuration in COMPACT_DEFAULTS:
            path = compact_path(*configuration)
            path.write_text(generate_compact(*configuration))
            print(path)
        return 0
    if args.compact and (args.near or args.coder not in COMPACT_CODERS):
        print("neurorice verilog: error: the compact encoder is lossless, "
              f"{' or '.join(COMPACT_CODERS)}", file=sys.stderr)
        return 2
    try:
        text = (generate_compact(args.sample_width, args.channels, args.word_width, args.coder)
                if args.compact else
                generate(args.sample_width, args.channels, args.word_width, args.near,
                         args.coder))
    except (TypeError, ValueError) as error:
        print(f"neurorice verilog: error: {error}", file=sys.stderr)
        return 2
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        pathlib.Path(args.output).write_text(text)
    except OSError as error:
        print(f"neurorice verilog: error: cannot write {args.output}: "
              f"{error.strerror or error}", file=sys.stderr)
        return 1
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="neurorice verilog",
                                     description="Write the encoder gateware as Verilog.")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
