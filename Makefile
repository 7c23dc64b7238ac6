# make eval [DATA=path/to/data.zip]   set up, then the challenge evaluation
# make test                           set up, then every test
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python

.PHONY: setup eval test clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	tools/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

eval: setup
	./eval.sh $(DATA)

test: setup
	$(PY) -m pytest

clean:
	rm -rf $(VENV) build *.egg-info
