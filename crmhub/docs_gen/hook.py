"""MkDocs hook: the generated reference pages join the site at build time.

Named in ``mkdocs.yml`` (``hooks:``). Nothing generated is ever written into
``docs/``, so no page can be out of date with the code it describes.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from crmhub.docs_gen import render_pages


def on_files(files: Files, config: Any) -> Files:
    for path, text in render_pages().items():
        files.append(File.generated(config, path, content=text))
    return files
