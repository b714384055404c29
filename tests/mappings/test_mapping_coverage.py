from mappings import parse_mapping
from mappings.coverage import unfed_fields

MAPPING = parse_mapping(
    {
        "version": 1,
        "source_id": "id",
        "fields": {
            "email": "电子邮箱",
            "phone": {"from": ["tel", "mobile"], "transforms": ["first_non_empty"]},
            "city": "addr.city",
            "country": {"constant": "CN"},
        },
    }
)


def test_a_field_is_fed_by_its_column_one_alternative_or_the_first_key_of_its_path() -> None:
    assert unfed_fields(MAPPING, ["id", "电子邮箱", "mobile", "addr"]) == []
    assert unfed_fields(MAPPING, ["id", "电子邮箱", "tel", "addr.city"]) == []


def test_every_field_no_column_feeds_is_named_with_its_paths() -> None:
    described = [f.describe() for f in unfed_fields(MAPPING, ["id", "邮箱"])]
    assert described == [
        "'电子邮箱' (for email)",
        "'tel' or 'mobile' (for phone)",
        "'addr.city' (for city)",
    ]


def test_the_coverage_docstring_example_holds() -> None:
    import doctest

    import mappings.coverage

    result = doctest.testmod(mappings.coverage)
    assert result.attempted and not result.failed
