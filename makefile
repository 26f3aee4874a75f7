# giza's own makefile. Quick start on a fresh machine:
#   make docs   - set everything up and build giza's documentation with giza
#   make test   - set everything up and run the test suite
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
GIZA   := $(VENV)/bin/giza

.PHONY: docs test lint venv system-deps bench serve

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

# rsync is what deploy runs (and its tests use); latexmk and a small TeX set turn the
# latex builder's output into PDFs; nginx and apache2 parse the generated redirect rules
# in tests (nginx -t, apache2 -t); headless chromium tests the HTML report. Install what
# is missing when we can.
TEX_PACKAGES := latexmk texlive-latex-recommended texlive-latex-extra \
                texlive-fonts-recommended tex-gyre
system-deps:
	@missing=""; \
	command -v rsync >/dev/null 2>&1 || missing="$$missing rsync"; \
	command -v latexmk >/dev/null 2>&1 || missing="$$missing $(TEX_PACKAGES)"; \
	command -v nginx >/dev/null 2>&1 || missing="$$missing nginx"; \
	command -v apache2 >/dev/null 2>&1 || missing="$$missing apache2-bin"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "warning: not installed:$$missing; tests that need them are skipped" >&2; fi

docs: venv
	$(GIZA) sphinx -b html
	@echo "giza docs: build/$$($(GIZA) config git.branch)/html/index.html"

lint: venv
	$(VENV)/bin/ruff check giza tests bench

test: venv system-deps lint
	$(VENV)/bin/pytest

bench: venv
	$(PY) bench/generate.py
	$(PY) bench/parallel.py
	$(PY) bench/incremental.py

# Build giza's docs, serve them on http://127.0.0.1:8000/ and rebuild on every save.
serve: venv
	$(GIZA) serve

# Any other target is a giza make target (html, dirhtml, publish, push, ...),
# exactly as in projects made by `giza quickstart`.
makefile pyproject.toml: ;
%: venv
	$(GIZA) make $@
