from core.errors import Problem
from core.records import RawRecord


def test_a_raw_record_carries_the_field_problems_its_reader_found() -> None:
    problem = Problem(
        "email", "sheet 'Customers', cell C2: a formula without a cached value", "reader"
    )
    record = RawRecord(
        source="s", stream="rows", source_id="1", payload={"email": None}, problems=(problem,)
    )
    assert record.problems == (problem,)
    assert RawRecord(source="s", stream="rows", source_id="1", payload={}).problems == ()
