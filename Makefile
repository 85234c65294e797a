# jixiao: `make run` converts the bundled samples, `make test` runs the tests.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
OUT    ?= out
# Benchmarks and evals import the sample generator (tools/) and the test corpora (tests/).
TOOLS_PATH := PYTHONPATH=$(CURDIR)/tools:$(CURDIR)/tests

.PHONY: run test test-without-fonts test-slow typecheck bench bench-robust fuzz eval install install-test schemas clean

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

# samples/ holds real filings jixiao does not read yet and a page with no table at all: they fail
# on purpose, with their reasons (exit status 1). Only a usage error (2) or a crash fails `make run`.
run: install
	@$(VENV)/bin/jixiao convert samples -o $(OUT); status=$$?; \
	if [ $$status -eq 1 ]; then echo "make run: the failed inputs above are expected (see samples/real/README.md); outputs in $(OUT)/"; exit 0; fi; \
	exit $$status

# pytest exits 5 when it collects no test: that is a broken suite, not a pass.
test: install-test
	@$(PY) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

# The tests that read PDFs, as on a machine with no font installed (issue 20): pdfium would lay out a
# font a PDF does not embed with one of this machine's. Fonts are hidden with `unshare -m` (root or
# CAP_SYS_ADMIN); where that is not allowed it says so on stderr and runs nothing.
PDF_TESTS := tests/test_pdf*.py tests/test_golden_forms.py tests/test_golden_generated.py tests/test_formats.py \
	tests/test_families.py tests/test_bad_inputs.py tests/test_vocabulary_extractors.py tests/test_generator.py \
	tests/test_hardening.py tests/test_review_feedback.py tests/test_options.py
test-without-fonts: install-test
	@$(PY) tests/hidden_fonts.py $(PY) -m pytest -q $(PDF_TESTS); status=$$?; \
	if [ $$status -eq 3 ]; then echo "make test-without-fonts: NOT RUN, fonts cannot be hidden here" >&2; exit 0; fi; \
	exit $$status

# The slow tests: issue 23's hostile inputs at the probe's own size, each held to 60 s and 1.5 GB.
test-slow: install-test
	@$(PY) -m pytest -m slow tests/test_hostile_inputs.py

# Static types: strict on the data model, the baseline in pyproject.toml ([tool.mypy]) elsewhere.
typecheck: install-test
	MYPYPATH=$(CURDIR)/src $(PY) -m mypy -p jixiao

# Benchmarks print ratios measured side by side in one run; they are not tests.
bench: install-test
	@set -e; for script in benchmarks/bench_*.py; do echo "== $$script"; $(TOOLS_PATH) $(PY) $$script; done

# Bad inputs, fuzzing and kill points (also part of `make bench`); atheris is installed here,
# not in the test extras, because it is a binary wheel that not every platform has.
bench-robust: install-test
	-@$(PIP) install atheris
	@$(TOOLS_PATH) $(PY) benchmarks/bench_robust.py

# atheris (libFuzzer) on the text extractor and the PDF route, FUZZ_SECONDS each; crashes in fuzz/crashes/.
FUZZ_SECONDS ?= 60
fuzz: install-test
	@$(PIP) install atheris
	@set -e; for target in text pdf; do echo "== fuzz $$target ($(FUZZ_SECONDS) s)"; \
	$(TOOLS_PATH) $(PY) fuzz/fuzz_extract.py $$target $(FUZZ_SECONDS) 2>&1 | grep -E "^(Done|==|SUMMARY)|Uncaught|Error" || true; \
	cat fuzz/stats-$$target.json; echo; done

# Accuracy against the real filings' hand-written truth and the generated ground truth. The real-truth
# scans are drawn on first use in AR PL UMing / UKai (eval_realscans.py): installed here when missing,
# as .ci/run installs what the tests need, so that a fresh machine runs this too.
SCAN_FONTS := /usr/share/fonts/truetype/arphic/uming.ttc /usr/share/fonts/truetype/arphic/ukai.ttc
eval: install-test
	@if ! ls $(SCAN_FONTS) >/dev/null 2>&1 && command -v apt-get >/dev/null; then \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-uming fonts-arphic-ukai >/dev/null; fi
	@set -e; for script in benchmarks/eval_*.py; do echo "== $$script"; $(TOOLS_PATH) $(PY) $$script; done

schemas: install
	$(PY) -m jixiao.output.schemas

clean:
	rm -rf $(OUT) .pytest_cache .hypothesis
