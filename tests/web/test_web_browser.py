"""The archive in a real browser: Debian's chromium, headless, driven by Selenium through
Debian's chromedriver. It searches, opens an item and its story, and presses "crawl now" against
the replica; screenshots go to test-artifacts/ (kept by CI as artifacts).

Outside CI the test skips when chromium or chromedriver is missing; under CI (`CI` set) it
fails, because .ci/run installs both.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from coopwatch.config import load_config
from crawler.relevance import classify_article, load_rules
from crawler.replica.server import ReplicaHandle, free_socket, serve_replica
from feeds.server import make_server
from storage import migrate
from storage.db import engine_for, session_scope
from storage.seed import import_seeds

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TOKEN = "browser-token"
NEWS = "OSCE and INTERPOL open a joint cybercrime training hub in Skopje"


def browser_paths() -> tuple[str, str]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    message = ("Debian's chromium and chromium-driver are needed: apt-get install chromium "
               "chromium-driver (.ci/run installs them)")
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser test. {message}")
    pytest.skip(message)


@dataclass
class Site:
    url: str
    replica: ReplicaHandle


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """`make run` in miniature: a migrated, seeded archive served on a free port, its crawls
    pointed at the replica."""
    monkeypatch.setenv("COOPWATCH_LOG_LEVEL", "WARNING")
    url = f"sqlite:///{tmp_path / 'coopwatch.db'}"
    migrate.upgrade(url)
    rules = load_rules()
    with session_scope(url) as session:
        import_seeds(session, classify=lambda a: classify_article(a, rules))
    with serve_replica() as replica:
        cfg = load_config({
            "COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "",
            "COOPWATCH_DATA_DIR": str(tmp_path), "COOPWATCH_API_TOKEN": TOKEN,
            "COOPWATCH_BASE_URL": replica.base_url, "COOPWATCH_DOWNLOAD_DELAY_S": "0",
            "COOPWATCH_MAX_PAGES": "1", "COOPWATCH_SINCE": "2026-01-01"})
        sock = free_socket()
        server = make_server(cfg)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        try:
            yield Site(f"http://127.0.0.1:{sock.getsockname()[1]}", replica)
        finally:
            server.should_exit = True
            thread.join(10)
            sock.close()
    engine_for(url).dispose()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    chromium, driver_path = browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.implicitly_wait(2)
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver: WebDriver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"web-{name}.png"))


def test_search_read_and_crawl_now_in_a_browser(browser: WebDriver, site: Site) -> None:
    css = By.CSS_SELECTOR
    site.replica.publish("osce", title=NEWS, date="2026-11-20", place="Skopje",
                         body="The OSCE and INTERPOL opened a joint training hub on cybercrime.")

    browser.get(site.url + "/")  # the seeded archive, styled by our own stylesheet only
    assert len(browser.find_elements(css, "li.result")) == 5
    assert browser.find_element(css, "html").value_of_css_property("background-color") == \
        "rgba(246, 247, 249, 1)"
    assert len(browser.find_elements(css, "footer a[href$='.atom']")) == 3
    shot(browser, "1-archive")

    search = browser.find_element(By.ID, "q")
    search.send_keys('"joint action plan"')
    browser.find_element(By.ID, "search").click()
    assert "match “\"joint action plan\"”" in browser.find_element(By.ID, "count").text
    first = browser.find_element(css, "li.result h2 a")
    assert first.text.startswith("OSCE Secretariat and INTERPOL launch joint action plan")
    first.click()

    why = browser.find_element(By.ID, "why")  # the item: why it matched, spans marked
    assert why.text.startswith("Why primary")
    assert browser.find_elements(css, ".body mark.alias")
    assert browser.find_elements(css, ".body .decisive")
    shot(browser, "2-item")
    browser.find_element(By.ID, "story-link").click()

    versions = browser.find_elements(css, ".versions article.version")  # side by side
    assert [v.get_attribute("class") for v in versions] == ["version org-osce",
                                                           "version org-interpol"]
    assert versions[0].location["y"] == versions[1].location["y"]
    shot(browser, "3-story")

    browser.find_element(By.LINK_TEXT, "Sources").click()
    browser.find_element(css, "#source-osce input[name=token]").send_keys(TOKEN)
    browser.find_element(By.ID, "crawl-osce").click()
    # The POST answers once the crawl child has opened its run (a second or more under load),
    # and the click does not wait for that answer.
    WebDriverWait(browser, 30, poll_frequency=0.2).until(
        lambda d: "/runs/" in d.current_url or "/crawl" in d.current_url)
    assert "/runs/" in browser.current_url, browser.find_element(css, "main").text
    # The run page reloads itself (meta refresh, no script) until the crawl ends.
    status = WebDriverWait(browser, 45, poll_frequency=0.5, ignored_exceptions=(
        NoSuchElementException, StaleElementReferenceException)).until(
        lambda d: (t := d.find_element(By.ID, "run-status").text) != "running" and t)
    shot(browser, "4-run")
    assert status == "ok", browser.find_element(css, "main").text

    browser.get(site.url + "/?q=cybercrime+training+hub")
    assert browser.find_element(css, "li.result h2 a").text == NEWS
    browser.set_window_size(390, 844)  # a phone: one column, nothing wider than the screen
    browser.get(site.url + "/items/1")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    shot(browser, "5-item-phone")
    violations = [e["message"] for e in browser.get_log("browser")
                  if "Content Security Policy" in e["message"]]
    assert violations == []
