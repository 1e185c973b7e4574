# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   — create .venv, install, migrate, seed the demo, start web + worker + beat
#   make test  — the same set-up, then the whole test suite
# Both honour DATABASE_URL and REDIS_URL when they are set (SQLite and a filesystem broker
# under var/ otherwise).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test setup migrate demo lint messages clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Front-end packages (ECharts, gcoord) from package-lock.json; Django serves them from
# node_modules/ as static files (config/settings.py STATICFILES_DIRS). Needs Node.js 20.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

# The demo password and the secret key are made once and kept in var/, so the printed logins
# and the sessions keep working from one run to the next.
var/demo-password:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(9))" > $@

var/secret-key:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

demo: migrate var/demo-password
	$(PY) manage.py seed_demo --password "$$(cat var/demo-password)" --findings-if-empty 3000 --rounds > var/demo-accounts.txt
	@echo "Demo accounts (password: $$(cat var/demo-password)):"
	@cat var/demo-accounts.txt

# What people see: no debug pages (the portal's own error pages), over plain HTTP on this
# machine. `DEBUG=1 make run` shows Django's debug pages to a developer who asks for them.
RUN_ENV = DEBUG=$${DEBUG:-0} SECRET_KEY="$$(cat var/secret-key)" \
	SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} SECURE_COOKIES=$${SECURE_COOKIES:-0} \
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}

run: demo var/secret-key
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Chuangcheng is starting on http://127.0.0.1:$(PORT)/  (health: http://127.0.0.1:$(PORT)/healthz)"
	@echo "Log in with one of the demo accounts above; password: $$(cat var/demo-password)"
	@echo ""
	$(RUN_ENV) $(VENV)/bin/honcho start -f Procfile

test: setup
	$(PY) -m pytest -n $${TEST_WORKERS:-2}

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: setup
	$(PY) manage.py makemessages --locale zh_Hans --no-obsolete --ignore ".venv/*" --ignore "var/*" --ignore "node_modules/*"
	$(PY) manage.py makemessages --locale zh_Hans --domain djangojs --ignore ".venv/*" --ignore "var/*" --ignore "node_modules/*"
	$(PY) manage.py compilemessages --locale zh_Hans --ignore ".venv/*"

clean:
	rm -rf var/broker var/cache var/static var/celerybeat-schedule*
