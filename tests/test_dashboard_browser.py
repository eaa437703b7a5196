"""End-to-end test of the trainer's dashboard in a real headless browser.

Starts ``verkosto dashboard`` on a free loopback port and drives Debian's
``chromium`` with Playwright (never a browser that Playwright downloads).
Every request the page makes is recorded: any to an address outside this
machine fails the test (the dashboard must work in a training room without
internet), and so does any request the server refuses or fails.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_TIMEOUT_S = 90.0
PAGE_TIMEOUT_MS = 30_000
UPDATE_TIMEOUT_MS = 30_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = ("data:", "blob:", "about:")
MIN_INK_SHARE = 0.01
"""Share of an image's pixels that must be non-white for it to count as drawn."""
MIN_FIGURE_PX = 200
"""Images narrower than this are icons, not figures."""
FIGURE_COUNT = 3
"""Figures on the page: the network view and two plots."""
SHOWN_FIGURES_JS = (
    "() => Array.from(document.images).filter(i => i.complete && "
    f"i.naturalWidth >= {MIN_FIGURE_PX})")
"""The figure images that are drawn now (an image being replaced has no width yet)."""

PAUSE_CHECK_MS = 2000
"""How long a paused model must stay on its week."""
PAUSE_CHECKS = 5
"""Attempts to see a paused model hold still (a slow machine may land one more week)."""

WEEK = re.compile(r"^Week (\d+)$")
BUDGET_SLIDER = "Budget (EUR/month)"
BUDGET = "coordination_budget_eur"

# Counts the pixels that are not (near) white in an <img>: a blank figure has none.
INK_SHARE_JS = """img => {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let k = 0; k < d.length; k += 4) {
        if (d[k + 3] > 0 && (d[k] < 200 || d[k + 1] < 200 || d[k + 2] < 200)) ink++;
    }
    return ink / (c.width * c.height);
}"""


_SERVER_LOG: list[Path] = []
"""The running dashboard server's log (for failure messages)."""


def _server_log_tail(lines: int = 40) -> str:
    if not _SERVER_LOG or not _SERVER_LOG[0].exists():
        return "(no server log)"
    return "\n".join(_SERVER_LOG[0].read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log_path = tmp_path_factory.mktemp("dashboard") / "server.log"
    env = {**os.environ, "SOLARA_HOME": str(log_path.parent / "solara-home")}
    _SERVER_LOG[:] = [log_path]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "verkosto.cli", "dashboard", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dashboard server exited ({proc.returncode}):\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dashboard server did not answer:\n{log_path.read_text()}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class PageLog:
    """What one page asked for and complained about."""

    outside: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.outside == [], f"requests left the machine: {self.outside}"
        assert self.refused == [], f"server refused: {self.refused}"
        assert self.failed == [], f"requests failed: {self.failed}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"page errors: {self.page_errors}"


def _is_local(url: str) -> bool:
    return url.startswith(LOCAL_SCHEMES) or urlparse(url).hostname in LOOPBACK_HOSTS


def open_dashboard(browser: Any, url: str, context: Any = None) -> tuple[Any, Any, PageLog]:
    """Open the dashboard in a new tab and wait for it.

    Without ``context`` the tab opens in a fresh browser context (its own cookies:
    another trainer); with one, it is another tab of the same browser session.
    """
    context = context if context is not None else browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    log = PageLog()
    page.on("request", lambda r: None if _is_local(r.url) else log.outside.append(r.url))
    page.on("response", lambda r: r.status >= 400 and log.refused.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: log.failed.append(f"{r.failure} {r.url}"))
    page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.goto(url)
    page.get_by_text("Outcome so far").wait_for()
    wait_for_week(page, 0)
    return context, page, log


def week_of(page: Any) -> int:
    match = WEEK.match(page.get_by_text(WEEK).inner_text().strip())
    assert match is not None
    return int(match.group(1))


def wait_for_week(page: Any, week: int) -> None:
    page.get_by_text(f"Week {week}", exact=True).wait_for(timeout=UPDATE_TIMEOUT_MS)


def step(page: Any, times: int = 1) -> None:
    """Press Step ``times`` times, each time waiting for the week and every figure to update."""
    for _ in range(times):
        week = week_of(page)
        before = figure_sources(page)
        page.get_by_role("button", name="Step").click()
        wait_for_week(page, week + 1)
        wait_for_new_figures(page, before)


def wait_for_new_figures(page: Any, before: list[str]) -> None:
    """Wait until every figure shows a different image than ``before`` (each week redraws all)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            f"old => {{ const now = ({SHOWN_FIGURES_JS})(); "
            f"return now.length === {FIGURE_COUNT} && now.every(i => !old.includes(i.src)); }}",
            arg=before, timeout=UPDATE_TIMEOUT_MS)
    except PlaywrightTimeout:
        state = page.evaluate(
            "old => Array.from(document.images).map(i => ({complete: i.complete, "
            "width: i.naturalWidth, len: i.src.length, was: old.indexOf(i.src)}))", before)
        pytest.fail(f"figures not all redrawn within {UPDATE_TIMEOUT_MS} ms "
                    f"(before: {len(before)}; now: {state}; {week_text(page)})\n"
                    f"server log:\n{_server_log_tail()}")


def week_text(page: Any) -> str:
    return "; ".join(t.strip() for t in page.get_by_text(WEEK).all_inner_texts())


def figures(page: Any) -> list[Any]:
    """The figure images on the page (network first, then the plots), once all are drawn."""
    page.wait_for_function(f"({SHOWN_FIGURES_JS})().length === {FIGURE_COUNT}",
                           timeout=UPDATE_TIMEOUT_MS)
    return [img for img in page.locator("img").all()
            if img.evaluate("i => i.complete ? i.naturalWidth : 0") >= MIN_FIGURE_PX]


def figure_sources(page: Any) -> list[str]:
    """The figures' sources, read in one go once all of them are drawn (a figure being
    replaced at that moment would otherwise be missed or read half-way).
    """
    handle = page.wait_for_function(
        f"() => {{ const now = ({SHOWN_FIGURES_JS})(); "
        f"return now.length === {FIGURE_COUNT} ? now.map(i => i.src) : null; }}",
        timeout=UPDATE_TIMEOUT_MS)
    return handle.json_value()


def test_page_loads_offline_and_draws(browser: Any, server_url: str) -> None:
    context, page, log = open_dashboard(browser, server_url)
    try:
        images = figures(page)
        assert len(images) == FIGURE_COUNT, "expected the network view and two plots"
        for img in images:
            ink = img.evaluate(INK_SHARE_JS)
            assert ink > MIN_INK_SHARE, f"figure looks blank (ink share {ink:.4f})"
        for text in ("Scenario", "Reset", "Step", BUDGET_SLIDER, "Outcome so far"):
            assert page.get_by_text(text).first.is_visible(), text
        step(page, 2)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        log.assert_clean()
    finally:
        context.close()


def test_step_advances_model_and_plots(browser: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    context, page, log = open_dashboard(browser, server_url)
    try:
        before_now = page.get_by_text("Now:").inner_text()
        before_figures = figure_sources(page)
        step(page, 3)
        assert week_of(page) == 3
        after_figures = figure_sources(page)
        plots_changed = [a != b for a, b in zip(before_figures, after_figures, strict=True)]
        assert all(plots_changed), f"figures unchanged after Step: {plots_changed}"
        assert page.get_by_text("Now:").inner_text() != before_now
        # Play runs weeks on its own until paused.
        page.get_by_role("button", name="▶").click()
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('span')).some(e => "
            "/^Week ([5-9]|[1-9][0-9]+)$/.test(e.textContent.trim()))",
            timeout=UPDATE_TIMEOUT_MS)
        page.get_by_role("button", name="❚❚").click()
        expect(page.get_by_role("button", name="Step")).to_be_enabled(timeout=UPDATE_TIMEOUT_MS)
        paused_at = week_of(page)
        # A week already in flight may still land; after that the model must hold still.
        settled = paused_at
        for _ in range(PAUSE_CHECKS):
            page.wait_for_timeout(PAUSE_CHECK_MS)
            now = week_of(page)
            if now == settled:
                break
            settled = now
        else:
            pytest.fail(f"the model kept running after pause (week {paused_at} -> {settled})")
        assert settled - paused_at <= 1
        log.assert_clean()
    finally:
        context.close()


def test_slider_and_reset_change_parameter(browser: Any, server_url: str) -> None:
    context, page, log = open_dashboard(browser, server_url)
    try:
        from model.params import PARAMETERS

        high = PARAMETERS[BUDGET].high
        assert high is not None
        budget_max = str(int(high))
        in_force = page.get_by_text(re.compile(r"Budget: \d+ EUR/month")).inner_text()
        assert f"Budget: {budget_max} EUR/month" not in in_force
        step(page, 1)
        slider = page.get_by_role("slider", name=BUDGET_SLIDER)
        slider.focus()
        slider.press("End")
        assert slider.get_attribute("aria-valuenow") == budget_max
        page.get_by_role("button", name="Reset").click()
        page.get_by_text(f"Budget: {budget_max} EUR/month").wait_for(timeout=UPDATE_TIMEOUT_MS)
        wait_for_week(page, 0)
        log.assert_clean()
    finally:
        context.close()


def test_two_sessions_hold_independent_models(browser: Any, server_url: str) -> None:
    context_a, page_a, log_a = open_dashboard(browser, server_url)
    context_b, page_b, log_b = open_dashboard(browser, server_url)
    try:
        step(page_a, 2)
        assert week_of(page_b) == 0
        # A second tab of the same browser session gets its own model too.
        _, tab_a2, log_a2 = open_dashboard(browser, server_url, context_a)
        step(page_b, 1)
        assert (week_of(page_a), week_of(page_b), week_of(tab_a2)) == (2, 1, 0)
        for log in (log_a, log_b, log_a2):
            log.assert_clean()
    finally:
        context_a.close()
        context_b.close()


def test_scenario_picker_loads_a_scenario(browser: Any, server_url: str) -> None:
    import scenarios

    name = "no_coordination"
    assert name in scenarios.names()
    info = scenarios.info(name)
    context, page, log = open_dashboard(browser, server_url)
    try:
        step(page, 1)
        page.get_by_role("button", name=re.compile("Scenario")).or_(
            page.locator(".v-select").first).first.click()
        page.get_by_role("option", name=name, exact=True).click()
        page.get_by_text(info.title, exact=True).wait_for(timeout=UPDATE_TIMEOUT_MS)
        wait_for_week(page, 0)
        budget = int(scenarios.load(name).coordination_budget_eur)
        page.get_by_text(f"Budget: {budget} EUR/month").wait_for(timeout=UPDATE_TIMEOUT_MS)
        slider = page.get_by_role("slider", name=BUDGET_SLIDER)
        assert slider.get_attribute("aria-valuenow") == str(budget)
        log.assert_clean()
    finally:
        context.close()
