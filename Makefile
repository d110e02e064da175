# Sportello: the README's two commands are `make run` and `make test`.
# Every target sets up what it needs on a fresh Debian machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
STAMPS := .stamps

# Pango and fonts for WeasyPrint PDFs (every script of the 20 content languages), gettext tools.
APT_RUNTIME := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk gettext
# Debian's Chromium for the browser tests, poppler for looking at PDFs.
APT_TEST    := chromium poppler-utils

# PostgreSQL used by `make test` for its second pass (CI sets it; empty means SQLite only).
TEST_POSTGRES_URL ?=

.PHONY: run test test-sqlite test-postgres bench lint setup setup-dev translations screenshots \
        i18n-extract i18n-update i18n-compile clean

run: setup translations
	$(FLASK) db upgrade
	$(FLASK) permits load-catalog
	$(FLASK) demo seed
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup-dev translations
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$(TEST_POSTGRES_URL)" ]; then $(MAKE) --no-print-directory test-postgres; \
	 else echo "TEST_POSTGRES_URL not set: PostgreSQL pass skipped"; fi

test-sqlite:
	@echo "== test suite on SQLite =="
	SPORTELLO_TEST_DATABASE_URL= $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== test suite on PostgreSQL =="
	SPORTELLO_TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup-dev translations
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.pdfs

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

setup: $(STAMPS)/apt-runtime $(STAMPS)/venv

setup-dev: setup $(STAMPS)/apt-test $(STAMPS)/venv-dev node_modules/.package-lock.json

$(STAMPS)/apt-runtime: scripts/ensure-apt.sh
	scripts/ensure-apt.sh $(APT_RUNTIME)
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/apt-test: scripts/ensure-apt.sh
	scripts/ensure-apt.sh $(APT_TEST)
	@mkdir -p $(STAMPS) && touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMPS)/venv: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# ---- translations of the operator UI ----------------------------------------------------------
# Compiled catalogs (.mo) are built, never committed.
translations: setup
	@$(BIN)/pybabel compile --statistics -d translations

i18n-extract: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -c "Translators:" --no-location --sort-output \
	  --project=Sportello --copyright-holder="Sportello contributors" \
	  -o translations/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

i18n-compile: translations

clean:
	rm -rf $(VENV) $(STAMPS) node_modules

screenshots: setup-dev translations
	$(BIN)/python scripts/screenshots.py docs/screenshots
