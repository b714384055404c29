"""The spreadsheet connector passes the connector contract, on CSV and on XLSX."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from connector_contract import ConnectorContract  # type: ignore[import-not-found]
from openpyxl import Workbook

from core.settings import HubConfig, SourceConfig

HEADER = ["source_id", "full_name", "email", "phone", "city"]
ROWS = [
    ["1", "Anna Schmidt", "anna@example.de", "+49 30 1234567", "Berlin"],
    ["2", "张伟", "zhang.wei@example.cn", "138 0013 8000", "北京"],
    ["3", "Ben Wagner", "ben@example.de", "+49 40 7654321", "Hamburg"],
    ["4", "李娜", "li.na@example.cn", "139 1234 5678", "上海"],
    ["5", "Maria Rossi", "maria@example.it", "+39 06 1234 5678", "Roma"],
]
NEW = ["6", "Sophie Martin", "sophie@example.fr", "+33 1 23 45 67 89", "Paris"]


def write(path: Path, rows: list[list[str]]) -> None:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([HEADER, *rows])
    else:
        book = Workbook()
        for row in [HEADER, *rows]:
            book.active.append(row)
        book.save(path)


@pytest.fixture(params=[".csv", ".xlsx"])
def data_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"customers{request.param}"
    write(path, ROWS)
    return path


class TestSpreadsheetContract(ConnectorContract):
    @pytest.fixture
    def contract_config(self, data_file: Path, store_url: str) -> HubConfig:
        source = SourceConfig(
            name="sheet", kind="spreadsheet", batch_size=2, connection={"path": str(data_file)}
        )
        return HubConfig(store=store_url, sources=(source,), base_dir=data_file.parent)

    @pytest.fixture
    def contract_bad_connection(self, data_file: Path) -> dict[str, Any]:
        return {"path": str(data_file.with_name("missing" + data_file.suffix))}

    @pytest.fixture
    def contract_secret(self) -> str:
        return "no-secret-for-files"

    @pytest.fixture
    def contract_add_record(self, data_file: Path) -> Callable[[], None]:
        return lambda: write(data_file, [*ROWS, NEW])
