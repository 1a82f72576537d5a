# 学分通 — the two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# A local SECRET_KEY for the demo and the tests, written once and never committed; settings
# refuse to start without a key (docs/security.md). A real deployment sets SECRET_KEY.
SECRET_KEY_FILE ?= $(CURDIR)/.secret_key
export SECRET_KEY_FILE
# Scanned by bandit in `make test` (medium and high findings fail it). Python 3.11 gives each
# part of an f-string the whole string's lines, so bandit warns "nosec encountered … but no
# failed test" once per part a `# nosec B608` covers: the test target drops those lines.
BANDIT_PACKAGES := config core institutions trainees projects platforms credits imports certificates audit demo bench

.PHONY: run test install install-dev system-deps lint format migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when a requirements file changed since the last install.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

$(SECRET_KEY_FILE):
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian packages the tests and PDFs need (Chromium, CJK fonts, poppler); skipped when present.
system-deps:
	@bash scripts/install-system-deps.sh

migrate: install $(SECRET_KEY_FILE)
	$(BIN)/python manage.py migrate --noinput -v0

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "学分通 is serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev system-deps $(SECRET_KEY_FILE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit -c pyproject.toml -r $(BANDIT_PACKAGES) -ll -q 2>$(VENV)/bandit.log; \
		status=$$?; grep -v "but no failed test" $(VENV)/bandit.log >&2; exit $$status
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	PYTEST=$(BIN)/pytest bash scripts/test-both-databases.sh

lint: install-dev $(SECRET_KEY_FILE)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles artifacts
