# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast e2e-deps setup migrate seed lint format bench clean

$(VENV)/.installed-base: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	touch $@

# The demo app's requirements (Faker): production installs requirements.txt only.
$(VENV)/.installed-demo: requirements.txt requirements-demo.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-demo.txt
	touch $@ $(VENV)/.installed-base

$(VENV)/.installed-dev: requirements.txt requirements-demo.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed-demo $(VENV)/.installed-base

setup: $(VENV)/.installed-base
	mkdir -p var/mail var/media

migrate: setup
	$(PY) manage.py migrate --noinput -v 0

seed: $(VENV)/.installed-demo migrate
	$(PY) manage.py seed_demo

## Serve the demo county at http://$(HOST):$(PORT)/ with a Celery worker and beat (Ctrl-C stops all).
run: seed
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) bash bin/run-local

## Browser tests need Debian's chromium (playwright cannot download browsers here) and a CJK font
## so that the journeys' screenshots show Chinese text.
e2e-deps:
	@{ command -v chromium >/dev/null 2>&1 && dpkg -s fonts-wqy-microhei >/dev/null 2>&1; } || { \
	  echo "Installing chromium and a Chinese font from Debian packages for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium fonts-wqy-microhei >/dev/null; }

test: $(VENV)/.installed-dev e2e-deps
	mkdir -p var
	bash bin/test $(PYTEST_ARGS)

## Lint as CI does: ruff's rules and its formatting (`make format` applies the formatting), and the
## apps' import layers (.importlinter).
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed-dev
	bash bench/run.sh

clean:
	rm -rf var/db.sqlite3* var/broker var/mail var/staticfiles
