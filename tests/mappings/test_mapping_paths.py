"""Source paths: dotted keys, list indexes, quoting, and what a missing path gives."""

from __future__ import annotations

import pytest

from mappings.paths import compile_path, consumed_tree, parse_path, unconsumed

SHOPIFY = {
    "id": 7,
    "email": "a@b.cn",
    "default_address": {"city": "Shanghai", "zip": "200001", "country": None},
    "addresses": [{"zip": "200001", "city": "Shanghai"}, {"zip": "100000", "city": "Beijing"}],
    "note": "vip",
}


@pytest.mark.parametrize(
    ("path", "segments"),
    [
        ("email", ("email",)),
        ("default_address.city", ("default_address", "city")),
        ("addresses[0].zip", ("addresses", 0, "zip")),
        ("addresses[-1]", ("addresses", -1)),
        ("matrix[1][2]", ("matrix", 1, 2)),
        ('["Str. Nr"]', ("Str. Nr",)),
        ("extra['a.b'].c", ("extra", "a.b", "c")),
        ("E-Mail", ("E-Mail",)),
        ("Kunden Nr", ("Kunden Nr",)),
        ("中文.名字", ("中文", "名字")),
    ],
)
def test_a_path_splits_into_keys_and_indexes(path: str, segments: tuple) -> None:
    assert parse_path(path) == segments


@pytest.mark.parametrize("path", ["", "a..b", "a[0", "a[x]", "[0].a", "a.", ".a", "a]b", "a[0]b"])
def test_a_malformed_path_is_refused_with_its_position(path: str) -> None:
    with pytest.raises(ValueError, match="path"):
        parse_path(path)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("email", "a@b.cn"),
        ("default_address.city", "Shanghai"),
        ("addresses[0].zip", "200001"),
        ("addresses[1].city", "Beijing"),
        ("addresses[-1].zip", "100000"),
        ("addresses[0]", {"zip": "200001", "city": "Shanghai"}),
    ],
)
def test_a_path_reads_nested_dicts_and_list_items(path: str, value: object) -> None:
    assert compile_path(path)(SHOPIFY) == value


@pytest.mark.parametrize(
    "path",
    [
        "phone",
        "default_address.province",
        "default_address.country",
        "addresses[2].zip",
        "addresses[-3].zip",
        "note.text",
        "note[0]",
        "email.domain.tld",
        "default_address[0]",
    ],
)
def test_a_missing_path_yields_none_rather_than_an_error(path: str) -> None:
    assert compile_path(path)(SHOPIFY) is None


def test_a_flattened_column_named_like_the_path_is_read_directly() -> None:
    flattened = {"default_address.city": "Berlin", "default_address": {"city": "Hamburg"}}
    assert compile_path("default_address.city")(flattened) == "Berlin"
    assert compile_path("default_address.city")({"default_address.city": "Bonn"}) == "Bonn"


def test_a_quoted_key_reads_a_column_whose_name_holds_a_dot() -> None:
    assert compile_path('["Str. Nr"]')({"Str. Nr": "12a"}) == "12a"


def test_unread_parts_of_a_nested_value_are_kept_by_their_path() -> None:
    tree = consumed_tree(["email", "default_address.city", "addresses[0].zip"])
    out: dict[str, object] = {}
    for key, value in SHOPIFY.items():
        node = tree.get(key)
        if node is None:
            out[key] = value
        elif node is not True:
            unconsumed(value, node, key, out)
    assert out == {
        "id": 7,
        "default_address.zip": "200001",
        "addresses[0].city": "Shanghai",
        "addresses[1]": {"zip": "100000", "city": "Beijing"},
        "note": "vip",
    }


def test_a_path_reading_a_whole_value_consumes_all_of_it_whatever_the_order() -> None:
    assert consumed_tree(["a.b", "a"])["a"] is True
    assert consumed_tree(["a", "a.b"])["a"] is True


def test_a_negative_index_consumes_the_last_list_item() -> None:
    out: dict[str, object] = {}
    unconsumed([{"zip": "1"}, {"zip": "2"}], consumed_tree(["l[-1].zip"])["l"], "l", out)
    assert out == {"l[0]": {"zip": "1"}}
