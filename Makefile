# jixiao: `make run` converts the bundled samples, `make test` runs the tests.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
OUT    ?= out

.PHONY: run test bench eval install install-test schemas clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(VENV)/bin/jixiao convert samples -o $(OUT)

# pytest exits 5 when it collects no test: that is a broken suite, not a pass.
test: install-test
	@$(PY) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

# Benchmarks print ratios measured side by side in one run; they are not tests.
bench: install-test
	@set -e; for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script; done

# Accuracy against the generated ground truth.
eval: install-test
	@set -e; for script in benchmarks/eval_*.py; do echo "== $$script"; $(PY) $$script; done

schemas: install
	$(PY) -m jixiao.output.schemas

clean:
	rm -rf $(OUT) .pytest_cache .hypothesis
