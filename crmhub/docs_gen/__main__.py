"""``python -m crmhub.docs_gen DIR``: write the generated reference pages under DIR."""

from __future__ import annotations

import sys
from pathlib import Path

from crmhub.docs_gen import render_pages


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "site-reference")
    for path, text in render_pages().items():
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {out}\n")
    return 0


raise SystemExit(main(sys.argv[1:]))
