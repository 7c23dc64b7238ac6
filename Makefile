# make eval [DATA=path/to/data.zip]   set up, then the challenge evaluation
# make test                           set up, then lint (ruff) and every test, on all cores
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
# the fast codec's C core, which `pip install -e .` builds beside its source (setup.py)
FAST    = neurorice/fast/_core.abi3.so

.PHONY: setup eval test clean

setup: $(VENV)/.installed $(FAST)
	@# the bytecode of what ./encode and ./decode import, so that no process compiles it
	@# (where PYTHONDONTWRITEBYTECODE is set, none would write it: 25 ms a process here)
	$(PY) -m compileall -q golden neurorice

$(VENV)/.installed: pyproject.toml
	PYTHON=$(PYTHON) tools/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(FAST): $(wildcard neurorice/fast/*.c) setup.py | $(VENV)/.installed
	$(PY) -m pip install --quiet -e .
	touch $@

eval: setup
	./eval.sh $(DATA)

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n auto --dist loadscope

clean:
	rm -rf $(VENV) build *.egg-info $(FAST)
