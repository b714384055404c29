"""Paginators against real servers: every page is followed, a loop is stopped, hosts are kept."""

from __future__ import annotations

from typing import Any

import pytest
from fixtures_saas import FakeShopify, FakeWooCommerce, Sleeps  # type: ignore[import-not-found]
from fixtures_saas import fake_shopify as fake_shopify  # a fixture
from fixtures_saas import fake_woocommerce as fake_woocommerce  # a fixture

from connectors.http import (
    HttpClient,
    HttpSettings,
    LinkHeaderPaginator,
    LoopGuard,
    PageNumberPaginator,
)
from core.errors import SourceRejected, SourceUnavailable


def shopify_client(fake: FakeShopify) -> HttpClient:
    base = f"{fake.url}/admin/api/2024-07"
    return HttpClient(
        HttpSettings(base_url=base), headers={"X-Shopify-Access-Token": fake.token}, sleep=Sleeps()
    )


def woo_client(fake: FakeWooCommerce) -> HttpClient:
    base = f"{fake.url}/wp-json/wc/v3"
    return HttpClient(HttpSettings(base_url=base), auth=(fake.key, fake.secret), sleep=Sleeps())


def ids(pages: Any, key: str | None = None) -> list[list[int]]:
    return [[c["id"] for c in (page.data[key] if key else page.data)] for page in pages]


def test_the_link_paginator_follows_next_links_sending_only_the_cursor_and_limit(
    fake_shopify: FakeShopify,
) -> None:
    people = [fake_shopify.add_customer() for _ in range(5)]
    client = shopify_client(fake_shopify)
    base = client.settings.base_url
    paginator = LinkHeaderPaginator(base, carry=("limit",))
    pages = client.pages("customers.json", {"limit": 2, "order": "updated_at asc"}, paginator)
    assert ids(pages, "customers") == [[p["id"] for p in people[i : i + 2]] for i in (0, 2, 4)]
    tokens = fake_shopify.page_infos
    assert [r.query for r in fake_shopify.requests] == [
        {"limit": "2", "order": "updated_at asc"},
        {"limit": "2", "page_info": tokens[0]},
        {"limit": "2", "page_info": tokens[1]},
    ]


def test_a_single_page_needs_a_single_request(fake_shopify: FakeShopify) -> None:
    fake_shopify.add_customer()
    client = shopify_client(fake_shopify)
    paginator = LinkHeaderPaginator(client.settings.base_url)
    assert len(list(client.pages("customers.json", {"limit": 5}, paginator))) == 1
    assert len(fake_shopify.requests) == 1


def test_a_next_link_that_comes_back_stops_the_read(fake_shopify: FakeShopify) -> None:
    for _ in range(5):
        fake_shopify.add_customer()
    fake_shopify.repeat_page_info = True
    client = shopify_client(fake_shopify)
    paginator = LinkHeaderPaginator(client.settings.base_url, carry=("limit",))
    with pytest.raises(SourceUnavailable, match="pagination loop: the next-page link"):
        list(client.pages("customers.json", {"limit": 2}, paginator))
    assert len(fake_shopify.requests) == 2


def test_a_next_link_to_another_host_is_refused(fake_shopify: FakeShopify) -> None:
    for _ in range(3):
        fake_shopify.add_customer()
    client = shopify_client(fake_shopify)
    paginator = LinkHeaderPaginator("https://other-shop.myshopify.com/admin/api/2024-07")
    with pytest.raises(SourceRejected, match="points to another host"):
        list(client.pages("customers.json", {"limit": 2}, paginator))


def test_the_page_number_paginator_stops_at_the_announced_total(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    people = [fake_woocommerce.add_customer() for _ in range(5)]
    client = woo_client(fake_woocommerce)
    params = {"page": 1, "per_page": 2, "orderby": "id"}
    pages = client.pages("customers", params, PageNumberPaginator())
    assert ids(pages) == [[p["id"] for p in people[i : i + 2]] for i in (0, 2, 4)]
    assert [r.query["page"] for r in fake_woocommerce.requests] == ["1", "2", "3"]


def test_without_a_total_header_paging_stops_at_the_first_empty_page(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    for _ in range(3):
        fake_woocommerce.add_customer()
    client = woo_client(fake_woocommerce)
    paginator = PageNumberPaginator(total_pages_header=None)
    pages = list(client.pages("customers", {"page": 1, "per_page": 2}, paginator))
    assert [len(p.data) for p in pages] == [2, 1, 0]


def test_a_source_ignoring_the_page_number_is_caught_by_the_loop_guard(
    fake_woocommerce: FakeWooCommerce,
) -> None:
    for _ in range(5):
        fake_woocommerce.add_customer()
    fake_woocommerce.ignores_page = True
    client = woo_client(fake_woocommerce)
    with pytest.raises(SourceUnavailable, match="pagination loop: the page content"):
        list(client.pages("customers", {"page": 1, "per_page": 2}, PageNumberPaginator()))
    assert len(fake_woocommerce.requests) == 2


def test_the_loop_guard_raises_on_the_first_repeat_only() -> None:
    guard = LoopGuard("cursor")
    guard.check("a")
    guard.check("b")
    with pytest.raises(SourceUnavailable, match="the cursor a came back after 2 pages"):
        guard.check("a")
