# Two entry points (see README): `make notes` builds every note, `make test`
# runs the tests. Each installs what it needs on first use.

VENV      := .venv
PYTHON    := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
DEB_NOTES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
             poppler-utils qpdf
DEB_TESTS := chromium git
PYTEST_ARGS ?=

.PHONY: notes test test-fast check lint bench system-packages test-packages clean

notes: $(STAMP)
	$(VENV)/bin/sectornotes build

test: $(STAMP) test-packages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not slow" $(PYTEST_ARGS)

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

# Debian packages, installed only when missing: WeasyPrint's and the PDF tools for
# notes; Chromium (browser tests) and git (diff tests) for the test suite.
define install_missing
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
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

$(STAMP): pyproject.toml | system-packages
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -e '.[dev]'
	# Byte-compile once: an editable install does not, and where PYTHONDONTWRITEBYTECODE
	# is set every start would compile the package again (a third of a no-op build).
	$(PYTHON) -m compileall -q src
	touch $(STAMP)

clean:
	rm -rf build
