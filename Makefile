# Local Partnership Portal — the two quick-start commands are `make run` and `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# The Node tools (package.json): the W3C Nu Html Checker the tests run, Lighthouse for
# benchmarks/lighthouse.py. --ignore-scripts: vnu-jar's own script would download a Java.
NODE_STAMP := node_modules/.installed
SECRET_FILE := .local-secret-key

.PHONY: run worker test lint audit format superuser reset-db messages clean check-open-data lighthouse

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

$(SECRET_FILE):
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $(SECRET_FILE)

## run: install, migrate, load the Mazovian records and serve on http://127.0.0.1:$(PORT)
run: $(STAMP) $(SECRET_FILE)
	@export SECRET_KEY="$$(cat $(SECRET_FILE))"; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py loadrecords && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	echo "" && \
	echo "Portal: http://127.0.0.1:$(PORT)/  (English: http://127.0.0.1:$(PORT)/en/)" && \
	echo "Admin:  http://127.0.0.1:$(PORT)/admin/ — create an account with: make superuser" && \
	echo "E-mail: sent (without EMAIL_URL, printed) by the worker: make worker, in a second terminal" && \
	echo "" && \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## worker: the background worker that sends e-mail (certificates, password resets, notices);
## run it beside `make run`; without EMAIL_URL it prints each e-mail instead of sending it
worker: $(STAMP) $(SECRET_FILE)
	@SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/python manage.py db_worker --interval 2

## superuser: create an administrator account for the admin (the questions are in English)
superuser: $(STAMP) $(SECRET_FILE)
	@SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/python manage.py createsuperuser

## test: install or update .venv and node_modules and run the whole suite (DATABASE_URL picks
## the database; the HTML validity test needs Java)
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest -n auto

## lint: ruff lint and format checks, the apps' import direction, no missing migrations
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

## audit: check the pinned dependencies against vulnerability advisories (pip-audit); fails,
## saying "not audited", when no advisory service can be reached
audit: $(STAMP)
	$(BIN)/python scripts/audit_dependencies.py

## check-open-data: validate a running portal's open data (frictionless, DCAT, 304);
## PORTAL=https://... for another portal than the local one
PORTAL ?= http://127.0.0.1:$(PORT)
check-open-data: $(STAMP)
	$(BIN)/python scripts/check_open_data.py $(PORTAL)

## lighthouse: Lighthouse's mobile scores of the home, catalogue, county and cycle pages,
## against a portal it starts on a throwaway database (needs Chromium)
lighthouse: $(STAMP) $(NODE_STAMP)
	$(BIN)/python benchmarks/lighthouse.py

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh and compile the Polish catalogue (needs gettext)
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages --locale pl --no-location --ignore '$(VENV)/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages --locale pl --ignore '$(VENV)/*'

## reset-db: delete the local SQLite database (make run recreates it)
reset-db:
	rm -f db.sqlite3

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache *.egg-info
