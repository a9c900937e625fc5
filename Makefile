# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := redis-server dovecot-imapd postgresql chromium chromium-driver
SHARED_CMS := ../shared/data/cms

.PHONY: install run test test-fast lint format bench soak eval fuzz servers clean

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/consultant run

# Debian servers the integration tests start on loopback (installed when root).
servers:
	@missing=""; \
	for b in redis-server dovecot /usr/lib/postgresql/15/bin/initdb chromium; do \
	  command -v $$b >/dev/null 2>&1 || [ -x $$b ] || missing="$$missing $$b"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$(DEBIAN_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES) >/dev/null; \
	  else \
	    echo "missing:$$missing -- install as root: apt-get install $(DEBIAN_PACKAGES)"; exit 1; \
	  fi; \
	fi

test: install servers
	$(BIN)/pytest -q -p no:cacheprovider

test-fast: install
	$(BIN)/pytest -q -m "not integration" -p no:cacheprovider

lint: install
	$(BIN)/ruff check consultant workers tests eval
	$(BIN)/ruff format --check consultant workers tests eval
	$(BIN)/mypy

format: install
	$(BIN)/ruff format consultant workers tests eval
	$(BIN)/ruff check --fix consultant workers tests eval

bench: install servers
	$(BIN)/python -m tests.bench

soak: install servers
	$(BIN)/python -m tests.soak

eval: install
	$(BIN)/python -m eval.run
	$(BIN)/python -m eval.phi

# A longer run of the hostile-mail strategies than the fixed-seed one in `make test`.
fuzz: install servers
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
