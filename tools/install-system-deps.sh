#!/usr/bin/env bash
# Installs the system packages the project needs, if missing: the simulators the tests use
# (Icarus Verilog, Verilator), Yosys for the synthesis check, OpenSTA, the GrayWolf placer
# and the qrouter router for the ASIC flow, and a C compiler and the headers of $PYTHON
# (default python3) for the fast codec's C core. (Python packages come from PyPI through
# `make setup`.)
set -euo pipefail
missing=()
command -v iverilog >/dev/null || missing+=(iverilog)
command -v verilator >/dev/null || missing+=(verilator)
command -v yosys >/dev/null || missing+=(yosys)
command -v cc >/dev/null || missing+=(gcc)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)  # the lossy study: MP3 and Opus
command -v sta >/dev/null || missing+=(opensta)
command -v graywolf >/dev/null || missing+=(graywolf)  # neurorice asic --wires placed
command -v qrouter >/dev/null || missing+=(qrouter)  # neurorice/asic/routing.py
"${PYTHON:-python3}" -c 'import os, sys, sysconfig
sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' ||
  missing+=(python3-dev)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]} from the system packages" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo=sudo; else
  echo "error: ${missing[*]} missing and not root: install them (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "error: ${missing[*]} missing and no apt-get: install them with your package manager" >&2
  exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
