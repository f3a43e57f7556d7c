# Two entry points (see README): `make notes` builds every note, `make test`
# runs the tests. Each installs what it needs on first use.

VENV      := .venv
PYTHON    := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
DEB_NOTES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
             poppler-utils qpdf
PYTEST_ARGS ?=

.PHONY: notes test test-fast check lint system-packages clean

notes: $(STAMP)
	$(VENV)/bin/sectornotes build

test: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not slow" $(PYTEST_ARGS)

check: $(STAMP)
	$(VENV)/bin/sectornotes check

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

# Debian packages WeasyPrint and the PDF tests need, installed only when missing.
system-packages:
	@missing=$$(for p in $(DEB_NOTES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml | system-packages
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf build
