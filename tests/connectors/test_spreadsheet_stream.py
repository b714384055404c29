"""The rows stream: what a record holds, and resuming an interrupted read."""

import os
from datetime import datetime
from pathlib import Path

import pytest

from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream
from core.errors import InputFileError

TEXT = "source_id,full_name\n" + "".join(f"{i},Customer {i}\n" for i in range(1, 11))


def stream_of(path: Path, text: str = TEXT, **settings: object) -> SpreadsheetStream:
    if text is not None:
        path.write_text(text, encoding="utf-8")
    return SpreadsheetStream("legacy", SpreadsheetSettings(path=str(path), **settings))


def test_stream_is_a_full_refresh_keyed_by_the_id_column(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv", id_column="full_name")
    assert (stream.name, stream.primary_key, stream.cursor_field) == (
        "rows",
        ("full_name",),
        None,
    )


def test_record_carries_source_stream_id_payload_line_and_position(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv")
    record = next(stream.read(None))
    assert record.source == "legacy"
    assert record.stream == "rows"
    assert record.source_id == "1"
    assert record.updated_at is None
    assert record.payload == {"source_id": "1", "full_name": "Customer 1"}
    assert record.line == 2
    assert record.position == {"fingerprint": stream.fingerprint(), "row": 1, "complete": False}


def test_source_id_is_stripped_and_none_when_blank(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv", "source_id,full_name\n  A-7 ,Anna\n ,Ben\n")
    records = list(stream.read(None))
    assert [r.source_id for r in records] == ["A-7", None]
    assert records[0].payload["source_id"] == "  A-7 "


def test_missing_id_column_is_reported_with_the_columns_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    stream = stream_of(path, "Source ID,full_name\n1,Anna\n")
    with pytest.raises(InputFileError) as caught:
        list(stream.read(None))
    message = caught.value.message
    assert message.startswith(f"{path}, line 1: no column 'source_id' in the header")
    assert "its columns: 'Source ID', 'full_name'" in message
    assert "did you mean 'Source ID'?" in message
    assert "set connection.id_column" in message
    assert 'or to "row" to use row numbers' in message


def test_row_number_is_the_id_when_id_column_is_row(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv", "full_name\nAnna\n\nBen\n", id_column="row")
    records = list(stream.read(None))
    assert [(r.source_id, r.payload["full_name"]) for r in records] == [("2", "Anna"), ("4", "Ben")]


def test_a_column_named_row_is_used_when_there_is_one(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv", "row,full_name\nr-1,Anna\n", id_column="row")
    assert next(stream.read(None)).source_id == "r-1"


def test_updated_at_is_parsed_from_its_column(tmp_path: Path) -> None:
    text = (
        "source_id,changed\n1,2024-01-05 14:30:00\n2,\n3,2024-02-01\n4,2024-03-01T08:00:00+08:00\n"
    )
    records = list(stream_of(tmp_path / "c.csv", text, updated_at_column="changed").read(None))
    assert [r.updated_at for r in records[:3]] == [
        datetime(2024, 1, 5, 14, 30),
        None,
        datetime(2024, 2, 1),
    ]
    assert records[3].updated_at is not None
    assert records[3].updated_at.utcoffset() is not None


def test_unparsable_updated_at_names_line_column_and_value(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    stream = stream_of(
        path, "source_id,changed\n1,2024-01-05\n2,05.01.2024\n", updated_at_column="changed"
    )
    with pytest.raises(InputFileError) as caught:
        list(stream.read(None))
    assert caught.value.line == 3
    assert "column 'changed': '05.01.2024' is not a date-time" in caught.value.message


def test_missing_updated_at_column_is_reported(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv", updated_at_column="modified")
    with pytest.raises(InputFileError, match="no column 'modified' in the header"):
        list(stream.read(None))


def test_read_resumes_inclusively_from_the_saved_position(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv")
    first_run = stream.read(None)
    seen = [next(first_run) for _ in range(4)]
    first_run.close()  # the run is killed after staging record 4
    saved = seen[-1].position
    resumed = list(stream.read(saved))
    assert [r.source_id for r in resumed] == ["4", "5", "6", "7", "8", "9", "10"]
    assert [r.position["row"] for r in resumed if r.position] == [4, 5, 6, 7, 8, 9, 10]
    assert resumed[0].line == 5


def test_resuming_at_the_first_row_reads_everything(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv")
    position = next(stream.read(None)).position
    assert len(list(stream.read(position))) == 10


def test_changed_file_restarts_from_the_beginning(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    stream = stream_of(path)
    saved = list(stream.read(None))[5].position
    path.write_text(TEXT + "11,Customer 11\n", encoding="utf-8")
    assert [r.source_id for r in stream.read(saved)][:2] == ["1", "2"]


def test_replaced_file_of_the_same_size_and_mtime_is_still_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    stream = stream_of(path)
    before = stream.fingerprint()
    stat = path.stat()
    path.write_text(TEXT.replace("Customer 3", "Kunden # 3"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert stream.fingerprint() != before


def test_same_file_read_with_another_header_row_does_not_resume(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    stream_of(path)
    with_header_row = SpreadsheetStream("legacy", SpreadsheetSettings(path=str(path), header_row=1))
    plain = SpreadsheetStream("legacy", SpreadsheetSettings(path=str(path)))
    assert with_header_row.fingerprint() != plain.fingerprint()


def test_completed_state_counts_every_row(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv")
    list(stream.read(None))
    assert stream.completed_state(None) == {
        "fingerprint": stream.fingerprint(),
        "row": 10,
        "complete": True,
    }


def test_completed_state_without_a_full_read_counts_the_rows(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv")
    records = stream.read(None)
    next(records)
    records.close()
    assert stream.completed_state(None)["row"] == 10


def test_completed_state_after_a_resumed_read_counts_every_row(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv")
    saved = list(stream.read(None))[6].position
    list(stream.read(saved))
    assert stream.completed_state(saved)["row"] == 10


def test_read_from_a_completed_state_reads_the_whole_file_again(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv")
    list(stream.read(None))
    done = stream.completed_state(None)
    assert len(list(stream.read(done))) == 10


@pytest.mark.parametrize("state", [{}, {"row": 3}, {"fingerprint": "other", "row": 3}])
def test_unusable_state_reads_from_the_beginning(tmp_path: Path, state: dict) -> None:
    assert len(list(stream_of(tmp_path / "c.csv").read(state))) == 10


def test_state_with_a_row_that_is_not_a_number_reads_from_the_beginning(tmp_path: Path) -> None:
    stream = stream_of(tmp_path / "c.csv")
    state = {"fingerprint": stream.fingerprint(), "row": "3", "complete": False}
    assert len(list(stream.read(state))) == 10
