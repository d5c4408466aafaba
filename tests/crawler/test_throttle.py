"""crawler.throttle: AutoThrottle fed the site's latency without the crawler's own CPU time."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler

import crawler.throttle as throttle
from crawler.throttle import CPU_AT_SEND, ServerLatencyThrottle


def adjusted_delay(monkeypatch: pytest.MonkeyPatch, meta: dict[str, Any], *, cpu_now: float,
                   min_delay: float = 0.0, status: int = 200) -> tuple[float, Request]:
    """The slot delay after one response whose request carried `meta`."""
    ext = ServerLatencyThrottle(get_crawler(Spider, {"AUTOTHROTTLE_ENABLED": True}))
    ext.mindelay, ext.maxdelay = min_delay, 60.0
    slot = SimpleNamespace(delay=0.0)
    monkeypatch.setattr(ext, "_get_slot", lambda request, spider: ("site", slot))
    monkeypatch.setattr(throttle.time, "process_time", lambda: cpu_now)
    request = Request("https://www.osce.org/x", meta=meta)
    ext._response_downloaded(Response(request.url, status=status), request, Spider("s"))
    return slot.delay, request


def test_own_cpu_time_is_not_the_sites_latency(monkeypatch: pytest.MonkeyPatch) -> None:
    # 0.5 s until the response was read, 0.3 s of it spent parsing the previous page
    delay, request = adjusted_delay(monkeypatch, {"download_latency": 0.5, CPU_AT_SEND: 10.0},
                                    cpu_now=10.3)
    assert delay == pytest.approx(0.2)
    assert request.meta["download_latency"] == 0.5  # what everything else reads is Scrapy's


def test_a_slow_site_still_slows_the_crawl(monkeypatch: pytest.MonkeyPatch) -> None:
    delay, _ = adjusted_delay(monkeypatch, {"download_latency": 3.0, CPU_AT_SEND: 10.0},
                              cpu_now=10.01)
    assert delay == pytest.approx(2.99)


def test_never_below_zero_nor_download_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    delay, _ = adjusted_delay(monkeypatch, {"download_latency": 0.1, CPU_AT_SEND: 10.0},
                              cpu_now=10.5)
    assert delay == 0.0
    delay, _ = adjusted_delay(monkeypatch, {"download_latency": 0.1, CPU_AT_SEND: 10.0},
                              cpu_now=10.5, min_delay=1.0)
    assert delay == 1.0


def test_a_request_the_handler_did_not_time_keeps_scrapys_latency(
        monkeypatch: pytest.MonkeyPatch) -> None:
    delay, _ = adjusted_delay(monkeypatch, {"download_latency": 0.4}, cpu_now=99.0)
    assert delay == pytest.approx(0.4)


def test_settings_replace_scrapys_autothrottle() -> None:
    import crawler.settings as settings

    assert settings.EXTENSIONS["scrapy.extensions.throttle.AutoThrottle"] is None
    assert settings.EXTENSIONS["crawler.throttle.ServerLatencyThrottle"] == 0
    assert set(settings.DOWNLOAD_HANDLERS) == {"http", "https"}
    assert settings.AUTOTHROTTLE_ENABLED and settings.CONCURRENT_REQUESTS_PER_DOMAIN == 1
