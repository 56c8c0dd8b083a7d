# Two commands for a newcomer: `make site` and `make test`. Everything else is optional.
# The first run creates .venv and installs the pinned requirements into it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FILES  ?=
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help site validate generate serve new schema test e2e lint lint-workflows bench clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt requirements-lint.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r requirements-lint.txt
	@touch $@

site: $(VENV)/.installed ## validate the claims, generate the pages, build the site into site/ (all or nothing)
	$(PY) scripts/claims.py build

validate: $(VENV)/.installed ## check all claims, or only FILES="claims/a.yaml ..."
	$(PY) scripts/claims.py validate $(FILES)

generate: $(VENV)/.installed ## validate and write the Markdown pages into docs/
	$(PY) scripts/claims.py generate

serve: $(VENV)/.installed ## live preview on http://127.0.0.1:8000, regenerating when a claim changes
	$(PY) scripts/claims.py serve

new: $(VENV)/.installed ## scaffold a new claim file (asks a few questions)
	$(PY) scripts/claims.py new

schema: $(VENV)/.installed ## regenerate claims/claim.schema.json from the claim model
	$(PY) scripts/claims.py schema

test: $(VENV)/.installed-dev ## lint, check generated files for drift, run the test suite
	$(PY) -m ruff check scripts tests
	$(PY) -m ruff format --check scripts tests
	$(PY) scripts/claims.py schema --check
	$(PY) -m pytest tests --ignore=tests/e2e

e2e: $(VENV)/.installed-dev site ## browser tests of the built site (Playwright + Debian Chromium, installed when missing)
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || { echo "error: chromium is missing: sudo apt-get install chromium" >&2; exit 1; }
	@command -v npm >/dev/null 2>&1 || { echo "error: npm is missing (it installs the pinned axe-core): sudo apt-get install npm" >&2; exit 1; }
	npm ci --prefix tests/e2e --ignore-scripts --no-audit --no-fund --loglevel=error
	$(PY) -m pytest tests/e2e

lint-workflows: $(VENV)/.installed-dev ## lint the GitHub workflows (actionlint, zizmor)
	$(VENV)/bin/actionlint
	$(VENV)/bin/zizmor --offline .

lint: lint-workflows ## all linters
	$(PY) -m ruff check scripts tests

bench: $(VENV)/.installed-dev ## generator vs MkDocs at 1,000 and 10,000 claims (minutes); one size: make bench CLAIMS=2000
	$(PY) tests/benchmark.py $(if $(CLAIMS),--claims $(CLAIMS))

clean: ## remove build output and generated pages (keeps .venv)
	rm -rf site docs/claims docs/browse
	$(PY) -c "import pathlib; [pathlib.Path('docs', l).unlink(missing_ok=True) for l in pathlib.Path('docs/.generated').read_text().split()]" 2>/dev/null || true
	rm -f docs/.generated
