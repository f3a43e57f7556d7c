# Two entry points (see README): `make notes` builds every note, `make test`
# runs the tests. Each installs what it needs on first use.

VENV      := .venv
PYTHON    := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
DEB_NOTES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
             poppler-utils qpdf fontconfig
DEB_TESTS := chromium git nodejs npm
PYTEST_ARGS ?=
# One worker per core (pytest-xdist): tests share nothing but the machine.
PYTEST_N  ?= auto
UV        := $(VENV)/bin/uv
# uv's version is the one uv.lock pins (one source of truth).
UV_VERSION = $(shell sed -n '/^name = "uv"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' uv.lock)
# Never download a Python: use the machine's python3, as the venv does.
UV_ENV    := UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=$(VENV)
LATEST    := /tmp/sectornotes-latest

.PHONY: notes test test-fast test-latest lock check lint bench system-packages test-packages clean

notes: $(STAMP)
	$(VENV)/bin/sectornotes build

test: $(STAMP) test-packages node_modules/.installed
	SECTORNOTES_TEST_TOOLS=required $(VENV)/bin/pytest -n $(PYTEST_N) $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(VENV)/bin/pytest -n $(PYTEST_N) -m "not slow" $(PYTEST_ARGS)

check: $(STAMP)
	$(VENV)/bin/sectornotes check

bench: $(STAMP)
	$(VENV)/bin/sectornotes build
	$(PYTHON) bench/run.py
	$(PYTHON) bench/serve_latency.py
	$(PYTHON) bench/watermark.py
	$(PYTHON) bench/delivery.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Debian packages, installed only when missing: WeasyPrint's and the PDF tools for
# notes; Chromium (browser tests), git (diff tests) and Node with npm (axe-core and
# yaml-language-server, which the tests run against our pages and schemas) for the test suite.
# A command of the package's name counts as installed: NodeSource's nodejs provides npm and
# conflicts with Debian's.
define install_missing
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || command -v $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
endef

system-packages:
	$(call install_missing,$(DEB_NOTES))

test-packages:
	$(call install_missing,$(DEB_TESTS))

# The tests' outside tools (package.json) installed exactly from package-lock.json, never
# re-resolved (`npm ci`, not `npm install`): again when the lock is newer than the install.
node_modules/.installed: package.json package-lock.json | test-packages
	npm ci --no-audit --no-fund
	touch $@

# The environment is uv.lock, installed exactly (`uv sync --frozen`): the same lock gives the
# same libraries on every machine. uv itself is locked too; a plain venv bootstraps it once.
$(STAMP): pyproject.toml uv.lock | system-packages
	test -x $(PYTHON) || python3 -m venv $(VENV)
	test -x $(UV) || $(PYTHON) -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV_ENV) $(UV) sync --frozen --extra dev --python $(PYTHON)
	# Byte-compile once: an editable install does not, and where PYTHONDONTWRITEBYTECODE
	# is set every start would compile the package again (a third of a no-op build).
	$(PYTHON) -m compileall -q src
	touch $(STAMP)

# Update the lock deliberately (newest versions the bounds in pyproject.toml allow), then
# review `git diff uv.lock` and run `make test` before committing it.
lock: $(STAMP)
	$(UV_ENV) $(UV) lock --upgrade

# Drift check, not CI: the newest allowed versions in a throw-away environment, fast tier.
# It shows a coming break (a library changing behaviour) before the lock is updated.
test-latest: $(STAMP)
	rm -rf $(LATEST)
	$(UV_ENV) $(UV) venv -q --python $(PYTHON) $(LATEST)
	# Editable: a regular install would have setuptools write its build/lib into build/.
	$(UV_ENV) $(UV) pip install -q --python $(LATEST)/bin/python --upgrade -e '.[dev]'
	$(UV_ENV) $(UV) pip list --python $(LATEST)/bin/python --outdated 2>/dev/null || true
	$(LATEST)/bin/python -m pytest -p no:cacheprovider -m "not slow" $(PYTEST_ARGS)

clean:
	rm -rf build
