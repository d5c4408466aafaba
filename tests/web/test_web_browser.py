"""The archive in a real browser: Debian's chromium, headless, driven by Selenium through
Debian's chromedriver. It searches, opens an item and its story, and presses "crawl now" against
the replica; then axe-core (the npm package, pinned in package.json, installed by `make test`
with `npm ci`) checks every page at desktop and phone width. Screenshots and the axe report go
to test-artifacts/ (kept by CI as artifacts).

Outside CI the tests skip when chromium, chromedriver or axe-core is missing; under CI (`CI`
set) they fail, because .ci/run installs the browser and `make test` installs axe-core.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from core.config import Config, load_config
from relevance import classify_article, load_rules
from replica.server import ReplicaHandle, free_socket, serve_replica
from storage import migrate
from storage.db import engine_for, session_scope, utcnow
from storage.models import CrawlRun, HealthAlarm, Item, Source
from storage.seed import import_seeds
from web.server import make_server

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")  # axe's two highest impacts: none may remain on any page
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


def axe_source() -> str:
    if AXE.is_file():
        return AXE.read_text(encoding="utf-8")
    message = "axe-core is not installed: run `npm ci` in the repo root (`make test` does)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the accessibility check. {message}")
    pytest.skip(message)


@dataclass
class Site:
    url: str
    replica: ReplicaHandle
    database_url: str


@contextmanager
def serving(cfg: Config) -> Iterator[str]:
    """The web app of `cfg` on a free port, in a thread: yields its base URL."""
    sock = free_socket()
    server = make_server(cfg)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


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
        with serving(cfg) as base:
            yield Site(base, replica, url)
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


def full_page_shot(driver: WebDriver, name: str) -> None:
    """The whole page, not only the window (Chrome's DevTools screenshot beyond the viewport)."""
    width, height = driver.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.scrollHeight]")
    png = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})["data"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"a11y-{name}.png").write_bytes(base64.b64decode(png))


def axe_violations(driver: WebDriver, axe: str, skip_rules: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's violations on the page shown, every rule of its default set, with the
    collapsed <details> opened first so that their content is checked too. The script is
    injected through WebDriver (DevTools), so the page's CSP stays as strict as it is."""
    driver.execute_script(axe)
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    rules = {rule: {"enabled": False} for rule in skip_rules}
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {rules: arguments[0], resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done({error: String(e)}));", rules)
    assert isinstance(result, list), result
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [{"target": n["target"], "summary": n.get("failureSummary")}
                       for n in v["nodes"]]} for v in result]


def click_and_load(driver: WebDriver, element: WebElement) -> None:
    """Click a link or button and wait for the next page: a click returns before a form's
    navigation ends, and an element found in between belongs to the old page (stale)."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 30, poll_frequency=0.1).until(staleness_of(page))


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
    click_and_load(browser, browser.find_element(By.ID, "search"))
    assert "match “\"joint action plan\"”" in browser.find_element(By.ID, "count").text
    first = browser.find_element(css, "li.result h2 a")
    assert first.text.startswith("OSCE Secretariat and INTERPOL launch joint action plan")
    click_and_load(browser, first)

    why = browser.find_element(By.ID, "why")  # the item: why it matched, spans marked
    assert why.text.startswith("Why primary")
    assert browser.find_elements(css, ".body mark.alias")
    assert browser.find_elements(css, ".body .decisive")
    shot(browser, "2-item")
    click_and_load(browser, browser.find_element(By.ID, "story-link"))

    versions = browser.find_elements(css, ".versions article.version")  # side by side
    assert [v.get_attribute("class") for v in versions] == ["version org-osce",
                                                           "version org-interpol"]
    assert versions[0].location["y"] == versions[1].location["y"]
    shot(browser, "3-story")

    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Sources"))
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


def give_every_state(url: str) -> dict[str, int]:
    """A degraded and an alarmed source, and a run of every status (one still running): the
    sources and run pages then show every badge colour. Returns run ids by status."""
    runs: dict[str, int] = {}
    with session_scope(url) as session:
        for name, state in (("osce", "degraded"), ("interpol", "alarm")):
            source = session.get_one(Source, name)
            source.health_state, source.error_streak = state, 2
            source.last_error, source.last_error_at = "HTTP 500 on the listing", utcnow()
            session.add(HealthAlarm(source=name, kind="fallback",
                                    detail="3 of 4 articles dated by a fallback layer"))
        for n, status in enumerate(("ok", "errors", "failed", "blocked", "killed",
                                    "abandoned", "running")):
            run = CrawlRun(source="osce" if n % 2 else "interpol", trigger="schedule",
                           status=status, requests=3 + n, not_modified=n, new=n, errors=n % 2,
                           started_at=utcnow() - timedelta(minutes=10 - n),
                           finished_at=None if status == "running" else utcnow(),
                           reason=None if status in ("ok", "running") else f"{status}: why")
            session.add(run)
            session.flush()
            runs[status] = run.id
    return runs


def test_every_page_passes_axe_at_desktop_and_phone_width(browser: WebDriver, site: Site,
                                                         tmp_path: Path) -> None:
    axe = axe_source()
    runs = give_every_state(site.database_url)
    with session_scope(site.database_url) as session:
        story = next(i.story_id for i in session.query(Item).order_by(Item.id)
                     if len(i.story.items) > 1)
    pages = {
        "archive": "/", "search": "/?q=%22joint+action+plan%22&level=primary",
        "search-none": "/?q=nothingmatchesthisword", "search-error": "/?since=yesterday",
        "item": "/items/1", "story": f"/stories/{story}", "sources": "/sources",
        "run-ok": f"/runs/{runs['ok']}", "run-failed": f"/runs/{runs['failed']}",
        "run-running": f"/runs/{runs['running']}", "not-found": "/items/999999",
    }
    # The run page reloads itself only when the user asked (the "follow" box of "crawl now",
    # or the page's own link) and offers to stop: WCAG 2.2.1's "turn off" exception, which
    # axe's meta-refresh rule cannot see. Every other rule runs on that page too.
    following = {"run-following": f"/runs/{runs['running']}?follow=1"}
    unmigrated = load_config({"COOPWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}",
                              "COOPWATCH_CONFIG": "", "COOPWATCH_DATA_DIR": str(tmp_path)})
    report: dict[str, list[dict]] = {}
    with serving(unmigrated) as down:  # the 503 page of an archive that does not answer
        for label, width in (("desktop", 1280), ("phone", 390)):
            browser.set_window_size(width, 900)
            targets = [(name, site.url + path, ()) for name, path in pages.items()]
            targets += [(name, site.url + path, ("meta-refresh",))
                        for name, path in following.items()]
            targets += [("unavailable", down + "/sources", ())]
            for name, url, skip in targets:
                browser.get(url)
                report[f"{name}-{label}"] = axe_violations(browser, axe, skip)
                full_page_shot(browser, f"{name}-{label}")
                scroll_width = browser.execute_script(
                    "return document.documentElement.scrollWidth")
                assert scroll_width <= width, f"{name} is {scroll_width}px wide at {width}px"
            # A refused "crawl now" (wrong token): the sources page with its error message.
            browser.get(site.url + "/sources")
            browser.find_element(By.CSS_SELECTOR, "#source-osce input[name=token]").send_keys(
                "wrong")
            browser.find_element(By.ID, "crawl-osce").click()
            assert "wrong API token" in browser.find_element(By.ID, "message").text
            report[f"sources-refused-{label}"] = axe_violations(browser, axe)
            full_page_shot(browser, f"sources-refused-{label}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(report, indent=2))
    blocking = {page: [f"{v['impact']} {v['rule']}: {v['help']} {v['nodes'][:3]}"
                       for v in found if v["impact"] in BLOCKING]
                for page, found in report.items()}
    assert {page: found for page, found in blocking.items() if found} == {}
    csp = [e["message"] for e in browser.get_log("browser")
           if "Content Security Policy" in e["message"]]
    assert csp == []
