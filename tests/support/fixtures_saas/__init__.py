"""Local stand-ins for the SaaS APIs we cannot run here: Shopify and WooCommerce.

Each fake is a real HTTP server on 127.0.0.1 (a random free port, one thread
per request) that behaves as the vendor documents it: authentication, paging
(Shopify's opaque ``page_info`` cursors in ``Link`` headers, WooCommerce's
``page``/``per_page`` with ``X-WP-Total``/``X-WP-TotalPages``), change-time
filters, Shopify's call-limit bucket. Tests change the data through
``add_customer``/``update_customer``/``remove_customer``, queue failures with
``fail_next`` (429 with Retry-After, 500, a slow answer, a cut-off or invalid
body, 404, 401) and assert on ``requests``, the log of every request made,
credentials included, so that a test can demand exactly the expected calls.

Use the function-scoped fixtures ``fake_shopify`` and ``fake_woocommerce``
(import them into the test module), and ``sleeps`` to inject as ``sleep``:
it records each wait asked for and returns at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from fixtures_saas.server import Failure, FakeVendor, Recorded, Reply
from fixtures_saas.shopify import FakeShopify, shopify_customer
from fixtures_saas.woocommerce import FakeWooCommerce, woocommerce_customer

__all__ = [
    "Failure",
    "FakeShopify",
    "FakeVendor",
    "FakeWooCommerce",
    "Recorded",
    "Reply",
    "Sleeps",
    "fake_shopify",
    "fake_woocommerce",
    "secret_env",
    "shopify_customer",
    "sleeps",
    "woocommerce_customer",
]


class Sleeps(list[float]):
    """A ``sleep`` to inject: records every requested wait and returns at once."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def secret_env() -> Iterator[Callable[[str, str], None]]:
    """``set(name, value)``: an environment variable holding a secret, removed after the test.

    Not ``monkeypatch``: the connector contract calls ``monkeypatch.undo()``
    half-way through a test, and the source must still find its credentials.
    """
    saved: dict[str, str | None] = {}

    def set_variable(name: str, value: str) -> None:
        saved.setdefault(name, os.environ.get(name))
        os.environ[name] = value

    yield set_variable
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def fake_shopify() -> Iterator[FakeShopify]:
    fake = FakeShopify()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_woocommerce() -> Iterator[FakeWooCommerce]:
    fake = FakeWooCommerce()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
