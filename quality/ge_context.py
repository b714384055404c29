"""The one way crm-hub makes a Great Expectations context, for every suite it runs.

Ephemeral (in-memory stores, nothing written to disk, no temporary docs site)
and quiet (no progress bars, GE's logger at WARNING): the checks of a run, the
per-batch validator and the Data Docs rebuild all start from the same settings.
"""

from __future__ import annotations

import logging
from typing import Any


def new_context() -> Any:
    """An ephemeral GE context: in-memory stores, no temp docs site, no progress bars."""
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)
