from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.standardise import parse_date

MARCH_5 = date(1990, 3, 5)
MAY_3 = date(1990, 5, 3)


@pytest.mark.parametrize("order", ["dmy", "mdy", "ymd"])
@pytest.mark.parametrize(
    "raw",
    [
        "1990-03-05",
        "1990/3/5",
        "1990.03.05",
        "19900305",
        "1990年3月5日",
        "1990年03月05号",
        "１９９０年３月５日",
        "１９９０－０３－０５",
        "1990-03-05T10:00:00Z",
        "1990-03-05T23:30:00.123-05:00",
        "1990-03-05 10:00",
        "  1990-03-05  ",
    ],
)
def test_year_first_dates_are_read_whatever_the_source_order(raw: str, order: str) -> None:
    assert parse_date(raw, order) == MARCH_5  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("03/05/1990", "dmy", MAY_3),
        ("03/05/1990", "mdy", MARCH_5),
        ("3.5.1990", "dmy", MAY_3),
        ("3.5.1990", "mdy", MARCH_5),
        ("03-05-90", "dmy", MAY_3),
        ("03-05-90", "mdy", MARCH_5),
        ("90/03/05", "ymd", MARCH_5),
        ("03/05/1990 14:30", "dmy", MAY_3),
        ("03/05/1990 2:30 PM", "mdy", MARCH_5),
    ],
)
def test_ambiguous_dates_follow_the_source_order(raw: str, order: str, expected: date) -> None:
    assert parse_date(raw, order) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("order", ["dmy", "mdy", "ymd"])
def test_day_month_pair_that_fits_only_one_way_is_accepted_that_way(order: str) -> None:
    assert parse_date("25/12/1990", order) == date(1990, 12, 25)  # type: ignore[arg-type]
    assert parse_date("12/25/1990", order) == date(1990, 12, 25)  # type: ignore[arg-type]


def test_year_last_date_in_a_year_first_source_is_refused_when_ambiguous() -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        parse_date("03/05/1990", "ymd")


def test_same_day_and_month_is_not_ambiguous_in_any_order() -> None:
    assert parse_date("05/05/1990", "ymd") == date(1990, 5, 5)


@pytest.mark.parametrize(
    ("raw", "year"),
    [("03-05-00", 2000), ("03-05-29", 2029), ("03-05-30", 1930), ("03-05-99", 1999)],
)
def test_two_digit_years_pivot_like_excel(raw: str, year: int) -> None:
    assert parse_date(raw, "dmy") == date(year, 5, 3)


@pytest.mark.parametrize("serial", [32937, 32937.0, 32937.75, "32937", "32937.5", "３２９３７"])
def test_excel_serial_dates_are_read(serial: int | float | str) -> None:
    assert parse_date(serial, "dmy") == MARCH_5


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (43831, date(2020, 1, 1)),
    ],
)
def test_excel_serials_around_the_1900_leap_year_bug(serial: int, expected: date) -> None:
    assert parse_date(serial, "dmy") == expected


def test_excel_serial_60_is_the_day_that_never_was() -> None:
    with pytest.raises(ValueError, match="1900-02-29"):
        parse_date(60, "dmy")


def test_eight_digit_number_is_compact_iso_not_a_serial() -> None:
    assert parse_date(19900305, "dmy") == MARCH_5
    assert parse_date(19900305.0, "mdy") == MARCH_5


def test_date_and_datetime_values_pass_through_as_dates() -> None:
    assert parse_date(MARCH_5, "dmy") == MARCH_5
    assert parse_date(datetime(1990, 3, 5, 23, 59), "dmy") == MARCH_5


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", float("nan")])
def test_missing_values_are_none(value: object) -> None:
    assert parse_date(value, "dmy") is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "1990-02-30",
        "31/04/1990",
        "13/13/1990",
        "1990-13-01",
        "199003",
        "123456",
        "1990/3",
        "03/05-1990",
        "90/03/05",
        0,
        -5,
        123456,
        float("inf"),
        True,
        [1990, 3, 5],
    ],
)
def test_unreadable_values_raise_value_error(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value, "dmy")  # type: ignore[arg-type]


def test_error_names_the_value() -> None:
    with pytest.raises(ValueError, match="'1990-02-30'"):
        parse_date("1990-02-30", "dmy")


@given(st.dates(min_value=date(1000, 1, 1)))
def test_dates_written_in_each_order_read_back(day: date) -> None:
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year}", "dmy") == day
    assert parse_date(f"{day.month}/{day.day}/{day.year}", "mdy") == day
    assert parse_date(day.isoformat(), "mdy") == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日", "dmy") == day


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2173, 10, 14)))
def test_excel_serials_read_back(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(serial, "dmy") == day
    if serial >= 10_000:  # as text, only five-digit serials are read as dates
        assert parse_date(str(serial), "dmy") == day


def test_a_bare_year_is_not_taken_for_an_excel_serial() -> None:
    with pytest.raises(ValueError):
        parse_date("1990", "dmy")
