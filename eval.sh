#!/usr/bin/env bash
# The challenge's evaluation: ./eval.sh [data.zip | directory]
# Encodes, decodes and compares every recording with ./encode and ./decode, then prints
# the ratio as the challenge scores it. With no argument: the built-in synthetic set.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=python3
[ -x "$here/.venv/bin/python" ] && python="$here/.venv/bin/python"
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec "$python" -m neurorice.evaluate "$@"
