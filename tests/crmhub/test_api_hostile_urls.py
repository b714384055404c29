"""Hostile URLs against a real uvicorn server: refused with 414, masked in the access log,
and never slow enough to hold up other requests (issue 12, #5 and #7)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
import requests
from api_helpers import sample_hub, start_server  # type: ignore[import-not-found]

from crmhub.api.server import RedactTokens, _clean
from crmhub.api.url_limit import MAX_URL_BYTES


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real uvicorn server on a free port for the module (the sample store behind it)."""
    directory = tmp_path_factory.mktemp("hostile-urls")
    server, thread = start_server(sample_hub(f"sqlite:///{directory / 's.db'}", directory / "hub"))
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


def _get(url: str) -> requests.Response:
    return requests.get(url, timeout=10)


@pytest.mark.parametrize("size", [MAX_URL_BYTES + 1, 60_000, 200_000, 2_000_000])
def test_a_url_over_8_kb_gets_414_not_a_reset(base_url: str, size: int) -> None:
    path = "/customers?q="
    response = _get(base_url + path + "a" * (size - len(path)))
    assert response.status_code == 414
    assert response.json()["error"] == "uri_too_long"


def test_a_url_of_8_kb_is_served(base_url: str) -> None:
    path = "/health?pad="
    assert _get(base_url + path + "a" * (MAX_URL_BYTES - len(path))).status_code == 200


def test_long_urls_do_not_hold_up_health(base_url: str) -> None:
    for size in (60_000, 60_000, 8_000):
        _get(f"{base_url}/customers?q={'a' * size}")
    start = time.perf_counter()
    assert _get(f"{base_url}/health").status_code == 200
    assert time.perf_counter() - start < 1


def _access_line(path: str) -> str:
    """What uvicorn's access logger would print for a GET of ``path``, after our filter."""
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )
    RedactTokens().filter(record)
    return record.getMessage()


@pytest.mark.parametrize(
    ("path", "hidden"),
    [
        ("/customers?email=zhang.wei%40example.cn", "zhang.wei"),
        ("/customers?e%6Dail=zhang.wei%40example.cn", "zhang.wei"),
        ("/customers?%45MAIL=zhang.wei@example.cn", "zhang.wei"),
        ("/customers?ph%6Fne=154+3231+9487", "3231"),
        ("/customers?n%61me=%E8%B0%AD%E5%BB%BA%E5%9B%BD", "%E5%BB%BA%E5%9B%BD"),
        ("/customers?q=zhang.wei%40example.cn", "zhang.wei"),
        ("/customers?q=154%203231%209487", "3231"),
        ("/changes?t%6Fken=crmhub%5Fabcdefghijklmnopqrstuvwxyz", "abcdefghijklmnop"),
        ("/changes?x=1&pass%77ord=s3cret", "s3cret"),
    ],
)
def test_the_access_log_masks_after_percent_decoding(path: str, hidden: str) -> None:
    line = _access_line(path)
    assert hidden not in line, line
    assert line.startswith('127.0.0.1:5000 - "GET /')


def test_harmless_parameters_are_logged_as_sent() -> None:
    assert "GET /customers?page=2&limit=50&source=crm " in _access_line(
        "/customers?page=2&limit=50&source=crm"
    )


@pytest.mark.parametrize("size", [60_000, 1_000_000])
def test_the_access_log_filter_is_linear_in_the_url(size: int) -> None:
    for text in (f"GET /customers?q={'a' * size}", f"GET /x?a={'a@' * (size // 2)}"):
        start = time.perf_counter()
        _clean(text)
        assert time.perf_counter() - start < 2.0  # quadratic took minutes at 1 MB
