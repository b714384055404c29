"""The ``connection:`` block of a spreadsheet source in ``hub.yaml``.

Example::

    sources:
      - name: legacy_crm
        kind: spreadsheet
        connection:
          path: data/customers.xlsx      # relative to hub.yaml
          sheet: Export                  # or 0 for the first sheet
          id_column: Kundennummer

Everything but ``path`` is optional: the format comes from the suffix, a CSV's
encoding and delimiter are detected, the header row is found below title rows.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from connectors.tabular import xlsx_limits
from core.errors import ConfigError
from core.validation_errors import describe_block_error

#: ``id_column`` value meaning "the row number is the id" (see :class:`SpreadsheetSettings`).
ROW_NUMBER_ID = "row"

#: Sizes past which a CSV file is refused rather than read into memory: a field
#: of a customer record is never a megabyte, and a line of 16 MiB is not a CSV line.
MAX_FIELD_SIZE = 1 << 20
MAX_LINE_SIZE = 16 << 20

_XLSX_ONLY = ("max_uncompressed_size", "max_compression_ratio", "max_cells", "max_read_seconds")
_FORMAT_BY_SUFFIX = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}


class SpreadsheetSettings(BaseModel):
    """Where the file is and how to read it.

    ``id_column`` names the column holding each record's id in the source. Set
    it to ``"row"`` (and have no column of that name) to use the row number
    instead, the CSV line or sheet row where the record starts. This is only
    safe for a file that is never re-sorted, filtered or edited above existing
    rows: the ids of every row below would shift, and the hub would see
    deletions and new customers that are not.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1, description="the file; relative paths start at hub.yaml")
    format: Literal["csv", "xlsx"] | None = Field(default=None, description="None: by suffix")
    encoding: str | None = Field(default=None, description="CSV only; None: detect")
    delimiter: str | None = Field(default=None, description="CSV only; None: sniff")
    sheet: str | int | None = Field(
        default=None, description="XLSX only: a sheet name or 0-based index; None: the first"
    )
    header_row: int | None = Field(
        default=None, ge=1, description="1-based CSV line or sheet row; None: detect"
    )
    id_column: str = Field(
        default="source_id",
        min_length=1,
        description='the column of each record\'s id ("row": the row number; see above); '
        "unset, the column the mapping reads source_id from",
    )
    updated_at_column: str | None = Field(
        default=None, description="a column of change times: freshness checks and most_recent"
    )
    max_field_size: int = Field(
        default=MAX_FIELD_SIZE, ge=1, description="CSV: characters in one field, at most"
    )
    max_line_size: int = Field(
        default=MAX_LINE_SIZE, ge=1, description="CSV: bytes in one physical line, at most"
    )
    max_uncompressed_size: int = Field(
        default=xlsx_limits.MAX_UNCOMPRESSED, ge=1, description="XLSX: bytes unpacked, at most"
    )
    max_compression_ratio: int = Field(
        default=xlsx_limits.MAX_RATIO, ge=1, description="XLSX: how much a part may unpack"
    )
    max_cells: int = Field(default=xlsx_limits.MAX_CELLS, ge=1, description="XLSX: cells parsed")
    max_read_seconds: float = Field(
        default=xlsx_limits.MAX_SECONDS, gt=0, description="XLSX: seconds spent parsing the sheet"
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            "".encode(value)  # also refuses bytes-to-bytes codecs such as base64
            return codecs.lookup(value).name
        except LookupError:
            raise ValueError(
                f"unknown encoding {value!r} (examples: utf-8, gb18030, big5, utf-16, cp1252)"
            ) from None

    @field_validator("sheet", mode="before")
    @classmethod
    def _name_or_index(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and value):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise ValueError(f"expected a sheet name or a 0-based sheet index, got {value!r}")

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError(f'must be one character, got {value!r} (write a tab as "\\t")')
        return value

    @model_validator(mode="after")
    def _options_fit_the_format(self) -> SpreadsheetSettings:
        file_format = self.file_format
        if file_format == "csv":
            for key in ("sheet", *_XLSX_ONLY):
                if key in self.model_fields_set and getattr(self, key) is not None:
                    raise ValueError(f"{key} applies to xlsx files only; remove it for a CSV file")
        if file_format == "xlsx":
            for key in ("encoding", "delimiter", "max_field_size", "max_line_size"):
                if key in self.model_fields_set and getattr(self, key) is not None:
                    raise ValueError(f"{key} applies to CSV files only; remove it for an xlsx file")
        return self

    @property
    def file_format(self) -> Literal["csv", "xlsx"]:
        """``format`` if set, else the one the file's suffix names."""
        if self.format is not None:
            return self.format
        suffix = Path(self.path).suffix.lower()
        if suffix == ".xls":
            raise ValueError(
                f"{self.path}: the old .xls format cannot be read; re-save it as .xlsx or CSV"
            )
        if suffix not in _FORMAT_BY_SUFFIX:
            known = ", ".join(_FORMAT_BY_SUFFIX)
            raise ValueError(
                f"cannot tell the format of {self.path} from its suffix (known: {known}); "
                "set format: csv or format: xlsx"
            )
        return "csv" if _FORMAT_BY_SUFFIX[suffix] == "csv" else "xlsx"


def settings_from_connection(connection: Any, base_dir: Path) -> SpreadsheetSettings:
    """Validate a source's ``connection:`` block; a relative ``path`` starts at ``base_dir``.

    Raises :class:`ConfigError` with one line per problem, each naming its key,
    e.g. ``connection.header_row: Input should be greater than or equal to 1``.
    """
    if not isinstance(connection, dict):
        raise ConfigError(
            f"connection: expected a mapping with at least path:, got {type(connection).__name__}"
        )
    try:
        settings = SpreadsheetSettings.model_validate(connection)
    except ValidationError as e:
        raise ConfigError(
            describe_block_error("connection", e, allowed=SpreadsheetSettings.model_fields)
        ) from e
    path = Path(settings.path).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    return settings.model_copy(update={"path": str(path)})
