"""Read a spreadsheet source the way a sync does, or expect it to be refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream
from core.errors import InputFileError
from core.records import RawRecord


def read(path: Path, **settings: object) -> list[RawRecord]:
    return list(
        SpreadsheetStream("crm", SpreadsheetSettings(path=str(path), **settings)).read(None)
    )


def refusal(path: Path, **settings: object) -> InputFileError:
    """The error reading ``path`` raised: a refused input file is always exit 2."""
    with pytest.raises(InputFileError) as caught:
        read(path, **settings)
    assert caught.value.exit_code == 2
    return caught.value
