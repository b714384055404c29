# Entry points: `make demo`, `make test` and `make test-fast` (the unit tier). Everything else is a helper.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test test-fast docs lint typecheck venv venv-airflow clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# --inexact: `make demo` after `make test` keeps the Airflow extra instead of removing it.
venv: $(UV)
	$(UV) sync --locked --inexact --quiet

venv-airflow: $(UV)
	$(UV) sync --locked --inexact --extra airflow --quiet

demo: venv
	$(VENV)/bin/crmhub demo

test: venv-airflow typecheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(MAKE) docs
	$(VENV)/bin/python -m pytest --durations=25

# The unit tier: no database or other server, well under a minute (tests/unit, on fakes).
test-fast: venv
	$(VENV)/bin/python -m pytest tests/unit -q

# mypy (settings in pyproject.toml; incremental, cached in .mypy_cache), then every
# `type: ignore` must name its error code and say why: `# type: ignore[code]  # reason`.
# The airflow extra: the DAGs are checked against Airflow's own types.
typecheck: venv-airflow
	$(VENV)/bin/mypy
	@if grep -rnE --include='*.py' '# type: ignore(\[[^]]*\])?[[:space:]]*$$' \
		core mdm connectors mappings quality pipeline crmhub dags bench; then \
		echo 'a type: ignore above gives no reason: write "# type: ignore[code]  # why"'; \
		exit 1; fi

# The docs site; the reference pages are generated from the code while it builds.
docs: venv
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict  # not --quiet: it hides the warnings --strict counts

lint: venv typecheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) .tools .pytest_cache crmhub-demo site
