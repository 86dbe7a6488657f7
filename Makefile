# zcron developer tasks.  `make help` lists them.
#
# Everything is installed into a virtualenv in .venv, created on first
# use.  Each set of extras is installed once and again only when
# pyproject.toml (the metadata) or setup.py changes: the stamp files
# .venv/.installed-<extra> record that.

PYTHON      ?= python3
VENV        ?= .venv
PYTEST_ARGS ?=
# pytest-xdist workers: one a core (`auto`); 0 runs the suite in this process.
PYTEST_WORKERS ?= auto
DEMO_ARGS   ?=
BENCH_ARGS  ?=
BUILDOUT_ARGS ?=

VENV_PYTHON := $(VENV)/bin/python
PIP         := $(VENV_PYTHON) -m pip
# Files whose change triggers a re-install.
PROJECT_FILES := pyproject.toml setup.py

# Buildout is bootstrapped from its own small virtualenv (so that the
# scripts it generates use the eggs it installs, not .venv's packages),
# with the zc.buildout and setuptools releases pinned in base.cfg.
BUILDOUT_VENV ?= var/buildout-venv
pin = $(shell sed -n 's/^$(1)[[:space:]]*=[[:space:]]*//p' base.cfg)
ZC_BUILDOUT_VERSION := $(call pin,zc.buildout)
SETUPTOOLS_VERSION  := $(call pin,setuptools)
# pkg_resources (vendored by buildout) warns about the native `zc`
# namespace package; nothing is wrong, so keep it out of the output.
BUILDOUT_WARNINGS := ignore:Module zc was already imported:UserWarning

.DEFAULT_GOAL := help

.PHONY: help test demo bench buildout system-deps clean distclean

help:
	@echo "make test       install .[test] into $(VENV), run ruff and the test suite (PYTEST_ARGS=..., PYTEST_WORKERS=...)"
	@echo "make demo       install .[web] into $(VENV) and run python -m zcron.demo (DEMO_ARGS=...)"
	@echo "make bench      install .[bench] into $(VENV) and run bench/run.py (BENCH_ARGS=...)"
	@echo "make buildout   run buildout.cfg: bin/zcron and bin/test (BUILDOUT_ARGS=...)"
	@echo "make clean      remove build and buildout output (keeps $(VENV) and var/)"
	@echo "make distclean  clean, and remove $(VENV), var/ and the Zope and Plone test venvs"

# --- virtualenv -----------------------------------------------------------

$(VENV_PYTHON):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# .venv/.installed-test, .venv/.installed-web, ...: `pip install -e .[X]`
$(VENV)/.installed-%: $(PROJECT_FILES) | $(VENV_PYTHON)
	$(PIP) install --quiet --editable '.[$*]'
	@touch $@

# --- Debian packages the tests need ---------------------------------------

# Chromium, for the browser tests (Playwright drives /usr/bin/chromium);
# PostgreSQL's server, for the postgres:// (RelStorage) tests, which start
# a throw-away cluster with its initdb and pg_ctl.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if ! command -v initdb >/dev/null 2>&1 \
	        && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	    missing="$$missing postgresql"; \
	fi; \
	if [ -z "$$missing" ]; then \
	    : ; \
	elif [ "$$(id -u)" != 0 ]; then \
	    echo "note:$$missing not installed and this is not root, so not installed now;"; \
	    echo "      the browser tests need chromium, the PostgreSQL tests postgresql:"; \
	    echo "      sudo apt-get install$$missing"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	    echo "note:$$missing not installed and there is no apt-get here;"; \
	    echo "      the browser tests need chromium, the PostgreSQL tests postgresql"; \
	else \
	    echo "Installing$$missing (Debian packages) for the tests ..."; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    && echo "Installed$$missing"; \
	fi

# --- tasks ----------------------------------------------------------------

# The test paths, markers and timeouts are in pyproject.toml
# ([tool.pytest.ini_options]);
# slow tests are not deselected: this runs the whole suite, as CI does.
# ruff (configured in pyproject.toml) first: a lint failure fails the run.
# The test files are shared out whole among PYTEST_WORKERS processes
# (--dist loadfile): a module's servers and environments stay one per module;
# in the order conftest.py gives them (slow files first), not by size.
test: $(VENV)/.installed-test system-deps
	$(VENV)/bin/ruff check
	$(VENV)/bin/pytest --numprocesses $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder \
	    $(PYTEST_ARGS)

demo: $(VENV)/.installed-web $(VENV)/.installed-hostapp
	$(VENV_PYTHON) -m zcron.demo $(DEMO_ARGS)

# The demo's example host, installed so that the command line finds its
# runners too (`zcron --config var/demo/zcron.ini list`).
$(VENV)/.installed-hostapp: examples/hostapp/setup.py | $(VENV_PYTHON)
	$(PIP) install --quiet --no-deps --editable examples/hostapp
	@touch $@

bench: $(VENV)/.installed-bench
	$(VENV_PYTHON) bench/run.py $(BENCH_ARGS)

$(BUILDOUT_VENV)/bin/buildout: base.cfg
	$(PYTHON) -m venv $(BUILDOUT_VENV)
	$(BUILDOUT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BUILDOUT_VENV)/bin/python -m pip install --quiet \
	    'zc.buildout==$(ZC_BUILDOUT_VERSION)' 'setuptools==$(SETUPTOOLS_VERSION)'
	@touch $@

buildout: $(BUILDOUT_VENV)/bin/buildout
	PYTHONWARNINGS='$(BUILDOUT_WARNINGS)' $(BUILDOUT_VENV)/bin/buildout -c buildout.cfg $(BUILDOUT_ARGS)

clean:
	rm -rf bin parts eggs develop-eggs .installed.cfg .mr.developer.cfg
	rm -rf build dist src/*.egg-info .pytest_cache .ruff_cache .coverage htmlcov
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) var .venv-zope .venv-plone
