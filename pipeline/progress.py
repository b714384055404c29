"""How the pipeline reports progress to whoever draws it (the CLI's bars, or nobody).

``progress(stage, source, amount)`` adds the records done since the last call;
``progress(stage, source, 0, total=n)`` says how many there are once that is
known (a file's rows when its read starts, the records pending resolution), and
may correct it at the end (a file's blank lines are not records).
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, stage: str, source: str, amount: int, *, total: int | None = None) -> None:
        """Record ``amount`` more done for ``stage`` of ``source``; ``total`` if now known."""
