"""Great Expectations Data Docs for one run, rebuilt from the results stored with it.

The checks run where the run finishes (a sync, an Airflow ``finish`` task on
some worker); the report may be written elsewhere and later. So GE's raw
results are stored in the database, and this module loads them into a fresh
ephemeral context whose own Data Docs site (``base_directory`` set, not the
context's temporary ``local_site``) writes next to the HTML report.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from quality.ge_context import new_context

SITE_NAME = "crmhub_run"


def build_data_docs(
    results: Sequence[tuple[str, dict[str, Any]]],
    directory: Path,
    *,
    run_name: str,
    run_time: datetime,
) -> Path:
    """Write Data Docs for ``results`` (suite name, GE result JSON) into ``directory``.

    Returns the site's ``index.html``. An earlier build in ``directory`` is replaced.
    """
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResultSchema,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    context = new_context()
    context.add_data_docs_site(
        SITE_NAME,
        {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(directory),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    schema = ExpectationSuiteValidationResultSchema()
    run_id = RunIdentifier(run_name=run_name, run_time=run_time)
    for suite, raw in results:
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite),
            run_id=run_id,
            batch_identifier=suite,
        )
        context.validation_results_store.set(key, schema.load(raw))
    context.build_data_docs(site_names=[SITE_NAME])
    return directory / "index.html"
