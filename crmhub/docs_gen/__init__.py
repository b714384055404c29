"""Reference pages generated from the code, so that the docs cannot drift from it.

Each page is rendered from what the program itself uses: the CLI from the typer
app, hub.yaml from :class:`core.settings.HubConfig`, the source kinds from the
connectors' settings models (via :data:`pipeline.sources.KINDS`), the transforms
from the registry in :mod:`mappings.transforms`. The MkDocs hook
(``crmhub/docs_gen/hook.py``) adds them to the site at build time, so no stale
copy exists anywhere; ``python -m crmhub.docs_gen DIR`` writes them out to read
without MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable

from crmhub.docs_gen.cli_page import cli_page
from crmhub.docs_gen.config_pages import hub_yaml_page, mapping_page, sources_page
from crmhub.docs_gen.transforms_page import transforms_page

#: Generated pages by their path under docs/.
PAGES: dict[str, Callable[[], str]] = {
    "reference/cli.md": cli_page,
    "reference/hub-yaml.md": hub_yaml_page,
    "reference/sources.md": sources_page,
    "reference/mapping.md": mapping_page,
    "reference/transforms.md": transforms_page,
}


def render_pages() -> dict[str, str]:
    """Every generated page's markdown by its path under docs/."""
    return {path: render() for path, render in PAGES.items()}
