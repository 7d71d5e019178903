# KruDesk: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run worker test test-postgres bench bench-letters bench-reports bench-jobs bench-national bench-deductions bench-repayments load-test setup translations clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

run: setup
	KRUDESK_ENV=development $(FLASK) db upgrade
	KRUDESK_ENV=development $(FLASK) seed-reference
	KRUDESK_ENV=development $(FLASK) seed-demo --if-empty
	@echo "KruDesk is starting on http://$(HOST):$(PORT)/ with one job worker — sign in with a login above (Ctrl+C stops both)."
	@export KRUDESK_ENV=development PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)/}; \
	$(FLASK) worker --workers $${JOBS_WORKERS:-2} & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The job worker alone (the web server runs elsewhere): what a second server, or a systemd unit, starts.
worker: setup
	KRUDESK_ENV=$${KRUDESK_ENV:-development} $(FLASK) worker

# pytest exits 5 when it collected no test: fail loudly, since a run that tests nothing proves nothing.
test: setup
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

# The same suite against a PostgreSQL server (CI uses the machine's: user postgres, database test).
test-postgres:
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(MAKE) test

# Benchmarks (not timed tests): prints a table of medians against the issues' targets.
bench: setup
	$(PY) -m bench.bench_debt
	$(PY) -m bench.bench_letters
	$(PY) -m bench.bench_reports

bench-letters: setup
	$(PY) -m bench.bench_letters

bench-reports: setup
	$(PY) -m bench.bench_reports

# The job engine (issue 16): a 1,000-letter batch on 1, 2 and 4 `flask worker` processes, and the approval request's
# latency with a slow SMTP server before (a worktree of 1c9a8cd) and after, e.g. BENCH_ARGS="--backends sqlite,postgres".
bench-jobs: setup
	$(PY) -m bench.bench_jobs $(BENCH_ARGS)

# National scale (issue 9): a million cases generated once (kept under instance/bench/, or in the PostgreSQL
# database named by DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/krudesk_bench), then every page timed.
bench-national: setup
	$(PY) -m bench.national.run $(if $(DATABASE_URL),--database-url $(DATABASE_URL)) $(BENCH_ARGS)

# Deduction lists (issue 19): the national dataset with 1,000,000 active cases, 25,000 of them in Chiang Mai (made once,
# kept under instance/bench/ or in DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/krudesk_bench19), then the
# province's list as CSV and XLSX (≤ 3 s) and the nation's as XLSX (≤ 60 s), each in a fresh process (≤ 300 MB).
bench-deductions: setup
	$(PY) -m bench.bench_deductions $(if $(DATABASE_URL),--database-url $(DATABASE_URL)) $(BENCH_ARGS)

# The monthly cycle (issue 20) on the dataset of bench-deductions (1,000,000 active cases): the month's deduction list,
# a repayment file per province imported by its officer, the arrears sweep (≤ 10 min in all, each step in a fresh
# process ≤ 500 MB), and the national repayment report (p95 ≤ 250 ms), e.g. DATABASE_URL=postgresql://…/krudesk_bench20.
bench-repayments: setup
	$(PY) -m bench.bench_repayments --database-url $${DATABASE_URL:?set DATABASE_URL to the dataset} $(BENCH_ARGS)

# A bounded load test against gunicorn on loopback: no 5xx, no lost writes (exits 1 otherwise).
load-test: setup
	$(PY) -m bench.load_test

# After changing user-facing text: extract, merge into the Thai catalogue, translate, then compile.
translations: setup
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header -o app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations
	$(VENV)/bin/pybabel compile -d app/translations

clean:
	rm -rf $(VENV) .pytest_cache
