# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# One stamp per set of requirements, named by the checksum of its files, so an
# edit to either file reinstalls.
RUNTIME := $(VENV)/.runtime-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEVELOPMENT := $(VENV)/.development-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# `make run PORT=8001` overrides PORTAL_PORT from .env for one start.
PORT_OPTION := $(if $(PORT),--port $(PORT))

.PHONY: run dev test bench bench-scale lint format browser clean

# gunicorn and WhiteNoise, DEBUG as .env says (off unless it asks). The chmod
# makes an .env written by an older version (0644) private too.
run: $(RUNTIME) .env
	@chmod go-rwx .env
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ensure_admin
	$(PY) manage.py run_portal $(PORT_OPTION)

# Django's autoreloading development server, with DEBUG on.
dev: $(RUNTIME) .env
	@chmod go-rwx .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ensure_admin
	DEBUG=true $(PY) manage.py run_portal --dev $(PORT_OPTION)

test: $(DEVELOPMENT)
	-@bash tests/bin/ensure-chromium
	bash tests/bin/run-tests

bench: $(DEVELOPMENT)
	$(PY) -m bench

# The platform's whole size on PostgreSQL + Redis (TEST_POSTGRES_URL, TEST_REDIS_URL;
# skipped, saying why, where they do not answer). BENCH_SCALE_RESTAURANTS=10000
# for a quick run; `make bench-scale SCENARIOS="discovery"` runs some of them.
bench-scale: $(DEVELOPMENT)
	$(PY) -m bench.scale $(SCENARIOS)

# Style, the import contracts between the layers, and the types of the boundary
# modules (pyproject.toml lists both).
lint: $(DEVELOPMENT)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: $(DEVELOPMENT)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Installs the system's Chromium for the browser tests (Debian, as root).
browser:
	bash tests/bin/ensure-chromium

$(RUNTIME): requirements.txt
	$(call install,requirements.txt,runtime)

$(DEVELOPMENT): requirements.txt requirements-dev.txt
	$(call install,requirements-dev.txt,development)

define install
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(1)
	rm -f $(VENV)/.$(2)-*
	touch $@
endef

# A private .env (mode 0600) with a random secret key, made once and never committed.
.env:
	$(PYTHON) portal/make_env.py .env.example .env

clean:
	rm -rf $(VENV) staticfiles test-artifacts
