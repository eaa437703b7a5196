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
# Generous: a page that works answers in about a second; on a loaded machine (load average
# 7-10 on 2 cores) a week's update once took over 30 s. A broken page still fails, later.
PAGE_TIMEOUT_MS = 90_000
UPDATE_TIMEOUT_MS = 90_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = ("data:", "blob:", "about:")
FRAMEWORK_WORDS = ("PAGE 0", "Play Interval", "Render Interval", "Use Threads", "Step:")
"""Mesa SolaraViz's own controls and labels, which the room must not see."""

PAUSE_CHECK_MS = 1500
"""How long a paused model must stay on its week."""
PAUSE_CHECKS = 5
"""Attempts to see a paused model hold still (a slow machine may land one more week)."""

WEEK = re.compile(r"^(Week|Viikko) (\d+)$")
BUDGET_LABEL = re.compile(r"^Coordination budget: [0-9].* €.month$")


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


def _start_server(tmp_path_factory: pytest.TempPathFactory, *extra: str) -> tuple[Any, str]:
    port = _free_port()
    log_path = tmp_path_factory.mktemp("dashboard") / "server.log"
    env = {**os.environ, "SOLARA_HOME": str(log_path.parent / "solara-home"), "LANG": "C.UTF-8"}
    env.pop("LC_ALL", None)
    _SERVER_LOG[:] = [log_path]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "verkosto.cli", "dashboard", "--port", str(port), *extra],
            stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            pytest.fail(f"dashboard server exited ({proc.returncode}):\n{log_path.read_text()}")
        if _answers(port):
            break
        if time.monotonic() > deadline:
            pytest.fail(f"dashboard server did not answer:\n{log_path.read_text()}")
        time.sleep(0.25)
    return proc, url


def _answers(port: int) -> bool:
    """Whether the server accepts a connection yet (refused while it is still starting)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _stop(proc: Any) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, url = _start_server(tmp_path_factory)
    try:
        yield url
    finally:
        _stop(proc)


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
    """Open the dashboard in a new tab and wait for week 0.

    Without ``context`` the tab opens in a fresh browser context (its own cookies:
    another trainer, or another participant's device); with one, it is another tab
    of the same browser session.
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
    page.locator(".week").wait_for()
    # The networks and the settings are other widgets than the week: wait for them too, so
    # that a test reading the fresh page reads all of it.
    page.locator(".verdict").first.wait_for()
    page.locator(".verkosto-settings input").first.wait_for()
    assert week_of(page) == 0
    return context, page, log


def week_of(page: Any) -> int:
    match = WEEK.match(page.locator(".week").inner_text().strip())
    assert match is not None, page.locator(".week").inner_text()
    return int(match.group(2))


def wait_for_week(page: Any, week: int) -> None:
    page.wait_for_function(
        "w => { const e = document.querySelector('.week'); "
        "return e && /\\s(\\d+)$/.exec(e.textContent.trim())?.[1] == String(w); }",
        arg=week, timeout=UPDATE_TIMEOUT_MS)


def wait_for_week_from(page: Any, week: int) -> None:
    """Wait for ``week`` or a later one to be shown: while Play runs (or a week it stepped as
    Pause took hold arrives with a Step's), two weeks may be drawn in one frame, and a wait
    for exactly one of them would never see it.
    """
    page.wait_for_function(
        "w => { const e = document.querySelector('.week'); "
        "const m = e && /\\s(\\d+)$/.exec(e.textContent.trim()); return m && +m[1] >= w; }",
        arg=week, timeout=UPDATE_TIMEOUT_MS)


def wait_for_networks(page: Any, script: str, arg: Any = None) -> None:
    """Wait until ``script`` (a JavaScript function of ``arg``) is true of the page.

    For what the networks' widget shows (verdict, charts, figures): a week is drawn by two
    updates, the week heading first, so a test that read the networks right after
    :func:`wait_for_week` could read the week before (a race, 42908c2).
    """
    page.wait_for_function(script, arg=arg, timeout=UPDATE_TIMEOUT_MS)


TRUST_CURVE_POINTS = ("n => (document.querySelector('svg.verkosto-chart polyline"
                      "[data-column=\"network_trust\"]')?.getAttribute('points') ?? '')"
                      ".trim().split(/\\s+/).length === n")
"""A script for :func:`wait_for_networks`: the first trust curve has ``n`` points (one a
week, from week 0)."""
NO_VERDICT_TOO_EARLY = ("n => { const v = [...document.querySelectorAll('.verdict')]; "
                        "return v.length === n && v.every(e => !e.textContent.includes("
                        "'too early')); }")
"""A script: ``n`` networks, each with a verdict that is no longer "too early to tell"."""


def step(page: Any, times: int = 1) -> None:
    """Press Step ``times`` times, each time waiting for the next week to be shown."""
    for _ in range(times):
        week = week_of(page)
        page.locator(".step").click()
        wait_for_week(page, week + 1)


def pictures(page: Any) -> list[str]:
    """The network pictures' SVG markup, left to right."""
    return page.locator("svg.verkosto-network").evaluate_all("l => l.map(e => e.outerHTML)")


def visible_text(page: Any) -> str:
    return page.locator("body").inner_text()


def test_page_speaks_the_room_s_language_not_the_framework_s(browser: Any,
                                                            server_url: str) -> None:
    from playwright.sync_api import expect

    context, page, log = open_dashboard(browser, server_url)
    try:
        text = visible_text(page)
        for word in FRAMEWORK_WORDS:
            assert word not in text, f"framework word {word!r} on the page"
        for word in ("Reset", "Step", "Play", "Speed:", "slow", "normal", "fast"):
            expect(page.get_by_text(word, exact=True).first).to_be_visible(
                timeout=UPDATE_TIMEOUT_MS)
        assert page.get_by_role("slider", name=BUDGET_LABEL).count() == 1
        assert "Meeting every: every 4 weeks" in text
        assert "Outcome so far: too early to tell (wait 13 more weeks)" in text
        assert page.locator("svg.verkosto-network circle").count() > 0
        step(page, 2)
        # The charts are drawn after the week heading: wait for week 2's, not read once.
        wait_for_networks(page, TRUST_CURVE_POINTS, 3)
        charts = page.locator("svg.verkosto-chart").evaluate_all("l => l.map(e => e.outerHTML)")
        assert len(charts) == 2 and all("weeks" in c for c in charts)
        lines = page.locator('svg.verkosto-chart polyline[data-column="network_trust"]')
        assert lines.count() == 1 and len(lines.get_attribute("points").split()) == 3
        assert "0 meetings held so far" in visible_text(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        log.assert_clean()
    finally:
        context.close()


def rendered_fonts(page: Any, selector: str) -> list[str]:
    """The fonts Chromium drew the first element of ``selector``'s text with (what the
    computed style cannot tell: whether the font named was there to draw with)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return [f"{font['familyName']} ({'web' if font['isCustomFont'] else 'system'})"
            for font in fonts]


def test_chart_text_is_in_the_page_s_font(browser: Any, server_url: str) -> None:
    """The charts' SVG text asked for sans-serif, so its axes were drawn in Liberation Sans
    beside the page's Roboto (the web font solara serves from its installed assets)."""
    context, page, log = open_dashboard(browser, server_url)
    try:
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page_font, axis_font, title_font = page.evaluate(
            "() => ['.v-application', 'svg.verkosto-chart text', "
            "'svg.verkosto-chart .x-axis-title'].map(s => "
            "getComputedStyle(document.querySelector(s)).fontFamily)")
        assert page_font.startswith("Roboto"), page_font
        assert axis_font == title_font == page_font
        assert rendered_fonts(page, ".verdict") == ["Roboto (web)"]
        for text in ("svg.verkosto-chart text", "svg.verkosto-chart .x-axis-title"):
            assert rendered_fonts(page, text) == ["Roboto (web)"], text
        log.assert_clean()
    finally:
        context.close()


def test_finnish_page(browser: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    context, page, log = open_dashboard(browser, server_url)
    try:
        page.locator(".language").get_by_text("suomi", exact=False).click()
        page.get_by_text("Viikko 0", exact=True).wait_for()
        # The side panel is rebuilt after the week: wait for its last control in Finnish
        # (a loaded machine once read it while it still spoke English); the networks are
        # redrawn by their own update, after the week: wait for their verdict in Finnish.
        page.get_by_text("Satunnaissiemen (ketkä ihmiset arvotaan)", exact=False).first.wait_for()
        page.locator(".verdict").get_by_text("Lopputulos tähän asti", exact=False).wait_for(
            timeout=UPDATE_TIMEOUT_MS)
        for word in ("Alusta", "Askel", "Toista", "Nopeus:", "hidas", "tavallinen", "nopea"):
            expect(page.get_by_text(word, exact=True).first).to_be_visible(
                timeout=UPDATE_TIMEOUT_MS)
        text = visible_text(page)
        assert "Lopputulos tähän asti: liian aikaista sanoa (odota vielä 13 viikkoa)" in text
        assert "Koordinoinnin budjetti: 1\u202f500 €/kk" in text
        assert "Johdettu asiakaspalveluverkosto (oletukset)" in text
        assert "Kahdeksan organisaatiota" in text
        step(page, 1)
        wait_for_networks(page, TRUST_CURVE_POINTS, 2)
        assert ">viikko<" in page.locator("svg.verkosto-chart").first.inner_html()
        for english in ("Outcome so far", "Coordination budget", "Reset", "meetings held"):
            assert english not in visible_text(page), english
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard_fi.png"), full_page=True)
        log.assert_clean()
    finally:
        context.close()


def test_side_by_side_with_and_without_coordination(browser: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    context, page, log = open_dashboard(browser, server_url)
    try:
        page.locator(".pair-default-no_coordination").click()
        page.get_by_text("Network B: No coordination", exact=True).wait_for()
        assert page.get_by_text("Network A: A led client-service network (the defaults)",
                                exact=True).is_visible()
        left, right = pictures(page)
        # The same seed draws the same people, on one scale: at week 0 the pictures agree.
        assert left == right
        # Once a coordinated meeting has been held, the two networks differ.
        page.locator(".play").click()
        wait_for_week_from(page, 8)
        page.locator(".pause").click()
        page.wait_for_function("() => document.querySelectorAll('svg.verkosto-network').length "
                               "=== 2 && document.querySelectorAll('svg.verkosto-network')[0]"
                               ".outerHTML !== document.querySelectorAll('svg.verkosto-network')"
                               "[1].outerHTML", timeout=UPDATE_TIMEOUT_MS)
        expect(page.locator("svg.verkosto-chart")).to_have_count(4, timeout=UPDATE_TIMEOUT_MS)
        # Both budgets are on their own sliders, each at its scenario's value (the settings
        # are rendered by another update than the networks: waited for, not read once).
        sliders = page.get_by_role("slider", name=BUDGET_LABEL)
        expect(sliders).to_have_count(2, timeout=UPDATE_TIMEOUT_MS)
        for k, budget in enumerate(("1500", "0")):
            expect(sliders.nth(k)).to_have_attribute("aria-valuenow", budget,
                                                     timeout=UPDATE_TIMEOUT_MS)
        page.locator(".play").click()
        wait_for_week_from(page, 20)
        page.locator(".pause").click()
        # Each network's verdict is drawn after the week: waited for (a fixed half second's
        # wait was a guess).
        wait_for_networks(page, NO_VERDICT_TOO_EARLY, 2)
        text = visible_text(page)
        assert text.count("Outcome so far: ") == 2 and "too early" not in text
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard_side_by_side.png"), full_page=True)
        log.assert_clean()
    finally:
        context.close()


def test_play_pause_and_reset(browser: Any, server_url: str) -> None:
    from playwright.sync_api import expect

    context, page, log = open_dashboard(browser, server_url)
    try:
        page.locator(".play").click()
        wait_for_week_from(page, 5)
        page.locator(".pause").click()
        expect(page.locator(".step")).to_be_enabled(timeout=UPDATE_TIMEOUT_MS)
        paused_at = week_of(page)
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
        slider = page.get_by_role("slider", name=BUDGET_LABEL)
        slider.focus()
        slider.press("End")
        page.get_by_text("Coordination budget: 5,000 €/month", exact=True).wait_for()
        page.get_by_text("Press Reset to start again with these settings.").wait_for()
        page.locator(".reset").click()
        wait_for_week(page, 0)
        expect(page.get_by_text("Press Reset to start again")).to_have_count(0)
        expect(page.get_by_role("slider", name=BUDGET_LABEL)).to_have_attribute(
            "aria-valuenow", "5000", timeout=UPDATE_TIMEOUT_MS)
        log.assert_clean()
    finally:
        context.close()


def test_several_sessions_at_once_keep_their_own_models(browser: Any, server_url: str) -> None:
    sessions = [open_dashboard(browser, server_url) for _ in range(4)]
    try:
        pages = [page for _, page, _ in sessions]
        pages[1].locator(".language").get_by_text("suomi", exact=False).click()
        pages[1].get_by_text("Viikko 0", exact=True).wait_for()
        # Press Step on every page before waiting, so the server handles them together.
        for round_ in range(3):
            for k, page in enumerate(pages):
                if k <= round_:
                    page.locator(".step").click()
            for k, page in enumerate(pages):
                if k <= round_:
                    wait_for_week(page, round_ + 1 - k)
        assert [week_of(p) for p in pages] == [3, 2, 1, 0]
        assert "Outcome so far" not in visible_text(pages[1])
        assert "Outcome so far" in visible_text(pages[0])
        # A second tab of the same browser session gets its own model too.
        _, tab, tab_log = open_dashboard(browser, server_url, sessions[0][0])
        step(tab, 1)
        assert (week_of(pages[0]), week_of(tab)) == (3, 1)
        for _, _, log in [*sessions, (None, None, tab_log)]:
            log.assert_clean()
    finally:
        for context, _, _ in sessions:
            context.close()


def test_a_projector_shows_the_curves_beside_the_network(browser: Any, server_url: str) -> None:
    """At 1280x720 (a common projector) the charts wrapped below the network picture, under
    the screen's edge, so the room saw the network without its curves."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context, page, log = open_dashboard(browser, server_url, context)
    try:
        picture = page.locator(".picture").bounding_box()
        chart = page.locator("svg.verkosto-chart").first.bounding_box()
        assert picture is not None and chart is not None
        assert chart["x"] >= picture["x"] + picture["width"]  # beside it, not below
        assert chart["y"] + chart["height"] <= 720  # the first chart fits on the screen
        log.assert_clean()
    finally:
        context.close()


def test_a_narrow_projector_shows_the_network_before_the_settings(browser: Any,
                                                                  server_url: str) -> None:
    """At 1024x768 the two columns wrap, and the settings came first: the room saw a
    screenful of sliders and had to scroll down for the week and the network."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    context, page, log = open_dashboard(browser, server_url, context)
    try:
        week = page.locator(".week").bounding_box()
        settings = page.locator(".verkosto-settings").bounding_box()
        assert week is not None and settings is not None
        assert week["y"] + week["height"] <= 768 and settings["y"] > week["y"]
        log.assert_clean()
    finally:
        context.close()


def test_token_lets_in_only_the_link(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    proc, url = _start_server(tmp_path_factory, "--token", "kahvi-123")
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response is not None and response.status == 403
        assert "token" in page.locator("body").inner_text()
        context.close()
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(url + "?token=kahvi-123")
        page.locator(".week").wait_for()
        step(page, 1)
    finally:
        context.close()
        _stop(proc)


ENDING_SCENARIO = "An intensive process around one client"
ENDING_SEED, ENDING_WEEK = "2", 30
"""client_process with seed 2 reaches its goal and ends in week 30."""
STEPPED_WEEKS = 8
"""Weeks before the end at which Play is paused, the rest taken by Step: at the fast speed
(8 weeks a second) a second's margin for Pause to reach the server on a loaded machine."""


def test_step_and_play_are_disabled_once_the_network_has_ended(browser: Any,
                                                              server_url: str) -> None:
    """Step stayed enabled after the network ended (and did nothing when pressed); Reset
    must enable both again."""
    from playwright.sync_api import expect

    context, page, log = open_dashboard(browser, server_url)
    try:
        page.locator(".side-0 .scenario-picker").click()
        page.get_by_role("option", name=ENDING_SCENARIO, exact=True).click()
        page.get_by_text(ENDING_SCENARIO, exact=True).first.wait_for()
        page.get_by_label("Random seed (which people are drawn)").fill(ENDING_SEED)
        page.get_by_text("Press Reset to start again with these settings.").wait_for()
        page.locator(".reset").click()
        expect(page.get_by_text("Press Reset to start again")).to_have_count(0)
        wait_for_week(page, 0)
        page.locator(".speed").get_by_text("fast", exact=True).click()
        page.locator(".play").click()
        wait_for_week_from(page, ENDING_WEEK - STEPPED_WEEKS)
        page.locator(".pause").click()
        expect(page.locator(".step")).to_be_enabled(timeout=UPDATE_TIMEOUT_MS)
        # The last weeks by Step, so that a Step is what ends the network. The week and the
        # verdict are drawn by separate updates, so the verdict is waited for, not read once.
        assert week_of(page) < ENDING_WEEK, "Play ran on to the end before Pause took hold"
        while (week := week_of(page)) < ENDING_WEEK:
            assert "the network ended in week" not in page.locator(".verdict").inner_text()
            page.locator(".step").click()
            wait_for_week_from(page, week + 1)
        assert week_of(page) == ENDING_WEEK
        page.locator(".verdict").get_by_text("the network ended in week", exact=False).wait_for(
            timeout=UPDATE_TIMEOUT_MS)
        expect(page.locator(".step")).to_be_disabled(timeout=UPDATE_TIMEOUT_MS)
        expect(page.locator(".play")).to_be_disabled(timeout=UPDATE_TIMEOUT_MS)
        page.locator(".reset").click()
        wait_for_week(page, 0)
        expect(page.locator(".step")).to_be_enabled(timeout=UPDATE_TIMEOUT_MS)
        expect(page.locator(".play")).to_be_enabled(timeout=UPDATE_TIMEOUT_MS)
        # The verdict of week 0, drawn after the week: else the ended run's verdict, still
        # shown, would answer the wait for the end below at once.
        page.locator(".verdict").get_by_text("too early to tell", exact=False).wait_for(
            timeout=UPDATE_TIMEOUT_MS)
        # Play to the end: it stops by itself, and leaves Step disabled too.
        page.locator(".play").click()
        page.locator(".verdict").get_by_text("the network ended in week", exact=False).wait_for(
            timeout=UPDATE_TIMEOUT_MS)
        expect(page.locator(".play")).to_be_disabled(timeout=UPDATE_TIMEOUT_MS)
        expect(page.locator(".step")).to_be_disabled(timeout=UPDATE_TIMEOUT_MS)
        assert week_of(page) == ENDING_WEEK
        log.assert_clean()
    finally:
        context.close()


def test_html_element_names_the_page_s_language(browser: Any, server_url: str) -> None:
    """solara's page has no <html lang>: a screen reader read the Finnish page with English
    rules, and the browser offered to translate it."""
    context, page, log = open_dashboard(browser, server_url)
    try:
        page.wait_for_function("() => document.documentElement.lang === 'en'",
                               timeout=UPDATE_TIMEOUT_MS)
        page.locator(".language").get_by_text("suomi", exact=False).click()
        page.get_by_text("Viikko 0", exact=True).wait_for()
        page.wait_for_function("() => document.documentElement.lang === 'fi'",
                               timeout=UPDATE_TIMEOUT_MS)
        page.locator(".language").get_by_text("English", exact=False).click()
        page.get_by_text("Week 0", exact=True).wait_for()
        page.wait_for_function("() => document.documentElement.lang === 'en'",
                               timeout=UPDATE_TIMEOUT_MS)
        log.assert_clean()
    finally:
        context.close()


LOADING_WORDS = {"en": "Loading…", "fi": "Ladataan…"}


@pytest.fixture(scope="module")
def finnish_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, url = _start_server(tmp_path_factory, "--lang", "fi")
    try:
        yield url
    finally:
        _stop(proc)


def loading_screen_text(browser: Any, url: str) -> str:
    """What the page shows while it loads, held there: its websocket never reaches the server."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.route_web_socket(re.compile(".*"), lambda socket: None)
        page.goto(url)
        page.wait_for_function("() => document.body.innerText.trim() !== ''",
                               timeout=PAGE_TIMEOUT_MS)
        return page.locator("body").inner_text().strip()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_the_loading_screen_speaks_the_server_s_language(browser: Any, server_url: str,
                                                         finnish_server_url: str,
                                                         lang: str) -> None:
    """While the page loaded, solara's screen said "Loading resources" and "Made with Solara"
    in English, also to a Finnish room (``--lang fi``)."""
    url = finnish_server_url if lang == "fi" else server_url
    assert loading_screen_text(browser, url) == LOADING_WORDS[lang]


def test_a_lost_connection_is_told_in_the_server_s_language(browser: Any,
                                                            finnish_server_url: str) -> None:
    """When the connection to the server broke, solara's overlay told a Finnish room "Server
    disconnected." in English. The page's own websocket is relayed to the server, then closed
    as a dropped network would; solara's attempts to reconnect are held unanswered."""
    context = browser.new_context(viewport=VIEWPORT)
    sockets: list[Any] = []

    def relay_first(socket: Any) -> None:
        if not sockets:
            socket.connect_to_server()  # relays both ways, as without the route
        sockets.append(socket)

    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.route_web_socket(re.compile(".*"), relay_first)
        page.goto(finnish_server_url)
        page.get_by_text("Viikko 0", exact=True).wait_for()
        assert "Yhteys palvelimeen katkesi." not in visible_text(page)
        sockets[0].close()
        page.get_by_text("Yhteys palvelimeen katkesi.", exact=True).wait_for()
        assert "disconnected" not in visible_text(page)
    finally:
        context.close()
