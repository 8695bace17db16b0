# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast e2e-deps pdf-deps setup migrate seed lint format bench clean

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

setup: $(VENV)/.installed-base pdf-deps
	mkdir -p var/mail var/media

## Generated PDFs (documents: WeasyPrint) need Debian's pango and a Chinese font, embedded in each PDF.
pdf-deps:
	@{ dpkg -s libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 && { dpkg -s fonts-noto-cjk >/dev/null 2>&1 || dpkg -s fonts-wqy-microhei >/dev/null 2>&1; }; } || { \
	  echo "Installing pango and a Chinese font from Debian packages for the generated PDFs"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei >/dev/null; }

migrate: setup
	$(PY) manage.py migrate --noinput -v 0

seed: $(VENV)/.installed-demo migrate
	$(PY) manage.py seed_demo

## Serve the demo county at http://$(HOST):$(PORT)/ with a Celery worker and beat (Ctrl-C stops all).
run: seed
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) bash bin/run-local

## Browser tests need Debian's chromium (playwright cannot download browsers here) and a CJK font
## so that the journeys' screenshots show Chinese text; poppler-utils (pdftoppm) turns a downloaded PDF
## into a screenshot.
e2e-deps: pdf-deps
	@{ command -v chromium >/dev/null 2>&1 && dpkg -s fonts-wqy-microhei >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; } || { \
	  echo "Installing chromium, poppler-utils and a Chinese font from Debian packages for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium poppler-utils fonts-wqy-microhei >/dev/null; }

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
