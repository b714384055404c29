"""A cheap identity for a file, to tell "the same file, half read" from "a new file".

Hashing a 1 GB export on every run would cost as much as reading it, so the
fingerprint is the size, the modification time (ns) and a SHA-256 of the first
and last MiB. A re-exported or edited file changes at least one of them: rows
added or removed change the size and the tail, a re-sort changes the head, and
any write changes the mtime. What it misses (an edit in the middle of a file over
2 MiB that keeps the size and resets the mtime) makes an interrupted read resume
past rows that changed; the next full read picks them up.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from connectors.tabular.table import file_problem
from core.errors import InputFileError

EDGE = 1 << 20


def file_fingerprint(path: str, *reading: object) -> str:
    """``"<size>:<mtime_ns>:<sha256 of edges and reading>"``; ``reading`` = how it is read.

    Pass what changes the meaning of a row index (the sheet, the header row):
    a saved position only holds for the same file read the same way.
    """
    try:
        with Path(path).open("rb") as f:
            stat = os.fstat(f.fileno())
            digest = hashlib.sha256(repr(reading).encode())
            digest.update(f.read(EDGE))
            if stat.st_size > EDGE:
                f.seek(max(EDGE, stat.st_size - EDGE))
                digest.update(f.read(EDGE))
    except OSError as e:
        raise InputFileError(path, file_problem(e)) from e
    return f"{stat.st_size}:{stat.st_mtime_ns}:{digest.hexdigest()[:32]}"
