"""How fast the trainer's dashboard is to watch, and how it holds up with a whole room.

Two modes, both against ``verkosto dashboard`` started on a free loopback port:

**protocol** (the default): the server alone. Each session is a small client
written here that speaks the page's own wire protocol, as the browser does:
it fetches the page (for the session cookie), opens the kernel websocket
(``/jupyter/api/kernels/<id>/channels``), asks the ``solara.control`` comm to
``run`` the app, learns the widgets from their ``comm_open`` messages and
presses **Step** by sending the button's ``click`` event. A step's latency is
the time from sending the click to receiving the frame that carries the new
week, so it is the server's answer time plus a loopback trip, with no
rendering: 25 sessions cost 25 websocket clients in this one process, not 25
Chromium renderers on the server's 2 cores. It reports:

- **step latency, one session** (median, p90, p95, max over ``--steps``);
- **a whole room**: ``--sessions`` (default 25) sessions pressing Step
  together for ``--room-steps`` rounds: p50/p95/max latency, the server's CPU
  per session-step, and its resident memory (current and peak, from
  ``/proc``); targets p95 under 1 s and memory under 4 GB.

With ``--profile FILE`` the server runs under cProfile during the room
measurement and its cumulative profile is written to FILE (top entries printed).

**browser** (``--mode browser``): the earlier measurement through Debian's
headless ``chromium`` and Playwright (as the browser tests do):

- **step latency, one session**: from a click on Step to the new week shown
  on the page (median, 90th percentile and max over ``--steps`` clicks);
  target 0.25 s;
- **Play rate, one session**: weeks shown per second while playing at each
  speed (slow, normal, fast; the targets are 1, 4 and 8), measured from
  the week shown on the page, not from the server;
- **four sessions in one browser** stepping at once (the issue's case);
- **a whole room**: ``--sessions`` (default 25) browser contexts, each its
  own session, all pressing Step together for ``--room-steps`` rounds:
  p50/p95/max step latency and the server's resident memory (current and
  peak, from ``/proc``); targets p95 under 1 s and memory under 4 GB.

All the browser pages run on the same machine as the server, so in the room
measurement 25 Chromium renderers compete with the server for the 2 cores;
participants' own devices would not. The figure is therefore pessimistic.

Usage: ``.venv/bin/python benchmarks/bench_dashboard.py [--mode protocol|browser]
[--sessions 25] [--quick] [--profile FILE]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
        "--disable-backgrounding-occluded-windows"]
VIEWPORT = {"width": 1400, "height": 1000}
"""The trainer's screen."""
PHONE = {"width": 412, "height": 915}
"""A participant's phone: the room's sessions are opened at this size."""
WEEK_JS = ("() => { const e = document.querySelector('.week'); "
           "return e ? parseInt(e.textContent.trim().split(' ').pop()) : -1; }")
WAIT_WEEK_JS = ("w => { const e = document.querySelector('.week'); "
                "return e && parseInt(e.textContent.trim().split(' ').pop()) >= w; }")
WAIT_MUTATION_JS = """w => new Promise(resolve => {
    const shown = () => { const e = document.querySelector('.week');
        return e && parseInt(e.textContent.trim().split(' ').pop()) >= w; };
    if (shown()) { resolve(true); return; }
    const watch = new MutationObserver(() => { if (shown()) { watch.disconnect(); resolve(true); } });
    watch.observe(document.body, {subtree: true, childList: true, characterData: true});
})"""
TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process and its children (MB)."""
    rss = peak = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss += int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak += int(line.split()[1]) / 1024
    return rss, peak


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (seconds)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants_cpu(root: int, skip: int) -> float:
    """CPU seconds of every process below ``root`` except the subtree of ``skip`` (the browser)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    total = 0.0
    for pid in parents:
        chain, p = [], pid
        while p in parents and p not in (root, 0, 1):
            chain.append(p)
            p = parents[p]
        if p == root and skip not in chain and pid != skip:
            with contextlib.suppress(OSError):
                total += cpu_seconds(pid)
    return total


def start_server(profile: Path | None = None) -> tuple[subprocess.Popen, str, Path]:
    """Start ``verkosto dashboard`` on a free port (under cProfile when ``profile`` is given)."""
    port = free_port()
    home = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    log = home / "server.log"
    env = {**os.environ, "SOLARA_HOME": str(home / "solara"), "LANG": "C.UTF-8"}
    command = [sys.executable, "-m", "verkosto.cli", "dashboard", "--port", str(port)]
    if profile is not None:
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "verkosto.cli",
                   "dashboard", "--port", str(port)]
    with log.open("w") as handle:
        proc = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 90
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start:\n{log.read_text()}") from None
            time.sleep(0.2)
    return proc, f"http://127.0.0.1:{port}/", log


# ------------------------------------------------------------------ protocol-level sessions
WEEK_MARKERS = ("Week ", "Viikko ")
"""How the page writes the week (English and Finnish), found in the frames the server sends."""

SESSION_COOKIE = "solara-session-id"


def weeks_in(text: str) -> list[int]:
    """Every week number a frame announces (``Week 12`` -> 12)."""
    found = []
    for marker in WEEK_MARKERS:
        k = text.find(marker)
        while k >= 0:
            digits = ""
            for ch in text[k + len(marker):k + len(marker) + 6]:
                if not ch.isdigit():
                    break
                digits += ch
            if digits:
                found.append(int(digits))
            k = text.find(marker, k + 1)
    return found


def frame_json(frame: str | bytes) -> dict | None:
    """A kernel message from a websocket frame: JSON text, or the binary form (a count of
    parts, their offsets as big-endian 32-bit integers, then the JSON part first)."""
    if isinstance(frame, str):
        return json.loads(frame)
    parts = struct.unpack("!i", frame[:4])[0]
    offsets = struct.unpack(f"!{parts}I", frame[4:4 * (parts + 1)])
    end = offsets[1] if parts > 1 else len(frame)
    return json.loads(frame[offsets[0]:end].decode("utf-8"))


def kernel_message(msg_type: str, content: dict, session: str) -> str:
    """A Jupyter kernel message on the shell channel, as the page's widget manager sends it."""
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
              "username": "", "version": "5.3", "date": ""}
    return json.dumps({"header": header, "parent_header": {}, "metadata": {},
                       "content": content, "channel": "shell", "buffers": []})


class ProtocolSession:
    """One participant's page, driven over the page's websocket without a browser.

    Args:
        url: The dashboard's address (``http://127.0.0.1:PORT/``).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = uuid.uuid4().hex
        self.step_comm: str | None = None
        self.weeks: dict[int, float] = {}
        self.seen = asyncio.Event()
        self.ws = None
        self.reader: asyncio.Task | None = None

    async def open(self) -> None:
        """Fetch the page (for the cookie), connect, run the app and wait for week 0."""
        from websockets.asyncio.client import connect

        def cookie() -> str:
            with urllib.request.urlopen(self.url, timeout=60) as response:
                for value in response.headers.get_all("set-cookie") or []:
                    name, _, rest = value.partition("=")
                    if name.strip() == SESSION_COOKIE:
                        return rest.split(";", 1)[0]
            return uuid.uuid4().hex

        session_id = await asyncio.to_thread(cookie)
        ws_url = self.url.replace("http://", "ws://").rstrip("/")
        self.ws = await connect(
            f"{ws_url}/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={self.client}",
            additional_headers={"Cookie": f"{SESSION_COOKIE}={session_id}"}, max_size=None,
            open_timeout=TIMEOUT_MS / 1000)
        self.reader = asyncio.create_task(self._read())
        control = uuid.uuid4().hex
        await self.ws.send(kernel_message("comm_open", {"comm_id": control,
                                                        "target_name": "solara.control",
                                                        "data": {}}, self.client))
        await self.ws.send(kernel_message("comm_msg", {"comm_id": control, "data": {
            "method": "run", "args": {"path": "/", "appName": None}}}, self.client))
        await asyncio.wait_for(self._until(lambda: self.step_comm is not None and 0 in self.weeks),
                               TIMEOUT_MS / 1000)

    async def _until(self, done) -> None:
        while not done():
            self.seen.clear()
            await self.seen.wait()

    async def _read(self) -> None:
        async for frame in self.ws:
            at = time.perf_counter()
            text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
            if self.step_comm is None and "comm_open" in text and "step" in text:
                self._find_step(frame_json(frame))
            for week in weeks_in(text):
                self.weeks.setdefault(week, at)
            self.seen.set()

    def _find_step(self, msg: dict) -> None:
        """Remember the Step button's comm from the ``comm_open`` that creates it."""
        if msg.get("header", {}).get("msg_type") != "comm_open":
            return
        state = msg["content"].get("data", {}).get("state", {})
        if "step" in str(state.get("class_", "")).split():
            self.step_comm = msg["content"]["comm_id"]

    def week(self) -> int:
        return max(self.weeks, default=-1)

    async def step(self) -> float:
        """Press Step: seconds until the frame with the next week arrives."""
        week = self.week()
        start = time.perf_counter()
        await self.ws.send(kernel_message("comm_msg", {"comm_id": self.step_comm, "data": {
            "method": "custom", "content": {"event": "click", "data": {}}}}, self.client))
        await asyncio.wait_for(self._until(lambda: week + 1 in self.weeks), TIMEOUT_MS / 1000)
        return self.weeks[week + 1] - start

    async def close(self) -> None:
        await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


async def protocol_mode(args: argparse.Namespace) -> None:
    """One session alone, then a whole room, against the server alone."""
    profile = Path(args.profile) if args.profile else None
    proc, url, log = start_server(profile)
    try:
        one = ProtocolSession(url)
        await one.open()
        print(f"server memory after one session: {memory_mb(proc.pid)[0]:.0f} MB")
        await one.step()  # the first week of a session also warms the server up
        cpu = cpu_seconds(proc.pid)
        latencies = [await one.step() for _ in range(args.steps)]
        cpu = (cpu_seconds(proc.pid) - cpu) / args.steps
        print(f"step latency, one session (server alone): {summary(latencies)}; server CPU "
              f"{cpu * 1000:.0f} ms a step")
        await one.close()

        start = time.perf_counter()
        room = [ProtocolSession(url) for _ in range(args.sessions)]
        await asyncio.gather(*(s.open() for s in room))
        print(f"{args.sessions} sessions opened in {time.perf_counter() - start:.1f} s; "
              f"server memory {memory_mb(proc.pid)[0]:.0f} MB")
        # A session's first week costs more (the model's first step fills its caches): the
        # room's first round is reported on its own, then the rounds that follow.
        await asyncio.sleep(args.settle)
        first = await asyncio.gather(*(s.step() for s in room))
        print(f"first Step of {args.sessions} fresh sessions together ({args.settle:g} s after "
              f"they opened): {summary(first)}")
        latencies, rounds = [], []
        cpu, wall = cpu_seconds(proc.pid), time.perf_counter()
        for _ in range(args.room_steps):
            start = time.perf_counter()
            latencies += await asyncio.gather(*(s.step() for s in room))
            rounds.append(time.perf_counter() - start)
        wall = time.perf_counter() - wall
        cpu = (cpu_seconds(proc.pid) - cpu) / len(latencies)
        rss, peak = memory_mb(proc.pid)
        print(f"step latency, {args.sessions} sessions stepping together (server alone): "
              f"{summary(latencies)}")
        print(f"server CPU per session-step {cpu * 1000:.0f} ms; {args.room_steps} rounds took "
              f"{wall:.1f} s (a round: median {statistics.median(rounds):.2f} s, max "
              f"{max(rounds):.2f} s); machine load {os.getloadavg()[0]:.2f}")
        print(f"server memory with {args.sessions} sessions: {rss:.0f} MB now, {peak:.0f} MB "
              "peak (target < 4096 MB)")
        await asyncio.gather(*(s.close() for s in room))
    finally:
        # SIGINT lets uvicorn shut down cleanly, so that cProfile writes its file.
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if profile is not None:
        import pstats

        if profile.exists():
            pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(args.profile_lines)
        else:
            print(f"no profile written; server log: {log}")


async def open_page(browser, url: str, viewport: dict[str, int] = VIEWPORT):
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    await page.goto(url)
    await page.locator(".week").wait_for()
    return context, page


async def step_once(page) -> float:
    week = await page.evaluate(WEEK_JS)
    start = time.perf_counter()
    await page.locator(".step").click()
    # Watching DOM mutations, not polling on a timer: a timer in a tab the browser does not
    # show is throttled to once a second, which would time the throttling, not the page.
    await page.evaluate(WAIT_MUTATION_JS, week + 1)
    return time.perf_counter() - start


class FrameWatch:
    """The moments the browser receives the server's frames announcing each week.

    Frames are seen at the browser's network layer (Playwright's ``framereceived``),
    before the page's renderer turns them into pixels, so the time from a click to
    that frame is the server's answer time plus the trip, without the rendering that
    25 renderers on the server's own 2 cores would add.
    """

    def __init__(self, page) -> None:
        self.weeks: dict[int, float] = {}
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        at = time.perf_counter()
        for marker in ("Week ", "Viikko "):
            k = text.find(marker)
            while k >= 0:
                digits = ""
                for ch in text[k + len(marker):k + len(marker) + 6]:
                    if not ch.isdigit():
                        break
                    digits += ch
                if digits:
                    self.weeks.setdefault(int(digits), at)
                k = text.find(marker, k + 1)


async def step_answer(page, watch: FrameWatch) -> tuple[float, float]:
    """Click Step: (seconds until the server's frame with the new week, until it is shown)."""
    week = await page.evaluate(WEEK_JS)
    start = time.perf_counter()
    await page.locator(".step").click()
    await page.evaluate(WAIT_MUTATION_JS, week + 1)
    shown = time.perf_counter() - start
    answered = watch.weeks.get(week + 1)
    return (answered - start if answered is not None else float("nan")), shown


async def step_latencies(page, steps: int) -> list[float]:
    await step_once(page)  # the first week of a session also warms the page up
    return [await step_once(page) for _ in range(steps)]


async def play_rate(page, speed: str, seconds: float) -> float:
    await page.locator(".reset").click()
    await page.wait_for_function(f"() => ({WEEK_JS})() === 0")
    await page.locator(".speed").get_by_text(speed, exact=True).click()
    await page.locator(".play").click()
    await page.wait_for_function(WAIT_WEEK_JS, arg=2, timeout=TIMEOUT_MS, polling=5)
    first, start = await page.evaluate(WEEK_JS), time.perf_counter()
    await asyncio.sleep(seconds)
    last, end = await page.evaluate(WEEK_JS), time.perf_counter()
    await page.locator(".pause").click()
    return (last - first) / (end - start)


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (f"median {statistics.median(values):.3f} s, p90 {p90:.3f} s, p95 {p95:.3f} s, "
            f"max {max(values):.3f} s (n={len(values)})")


async def main_async(args: argparse.Namespace) -> None:
    from playwright.async_api import async_playwright

    proc, url, _log = start_server()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            if not args.room_only:
                await single_and_pair(browser, url, proc, args)
            await room(browser, url, proc, args)
            await browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def single_and_pair(browser, url: str, proc: subprocess.Popen,
                          args: argparse.Namespace) -> None:
    """One session alone: Step latency, Play rates; side by side; four tabs of one browser."""
    context, page = await open_page(browser, url)
    print(f"server memory after one session: {memory_mb(proc.pid)[0]:.0f} MB")
    cpu = cpu_seconds(proc.pid)
    one = await step_latencies(page, args.steps)
    cpu = (cpu_seconds(proc.pid) - cpu) / (args.steps + 1)
    print(f"step latency, one session: {summary(one)}; server CPU {cpu * 1000:.0f} ms a step")
    for speed, target in (("slow", 1), ("normal", 4), ("fast", 8)):
        rate = await play_rate(page, speed, args.play_seconds)
        print(f"play at {speed!r} (target {target} weeks/s): {rate:.2f} weeks/s")
    await page.locator(".pair-default-no_coordination").click()
    await page.get_by_text("Network B: No coordination", exact=True).wait_for()
    pair = await step_latencies(page, args.steps)
    print(f"step latency, side by side: {summary(pair)}")
    rate = await play_rate(page, "normal", args.play_seconds)
    print(f"play side by side at 'normal' (target 4 weeks/s): {rate:.2f} weeks/s")
    await context.close()

    # Four tabs of one browser session, pressing Step together.
    shared = await browser.new_context(viewport=VIEWPORT)
    tabs = []
    for _ in range(4):
        tab = await shared.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        await tab.goto(url)
        await tab.locator(".week").wait_for()
        tabs.append(tab)
    four: list[float] = []
    for _ in range(args.steps):
        four += await asyncio.gather(*(step_once(t) for t in tabs))
    print(f"step latency, four tabs stepping together: {summary(four)}")
    await shared.close()


async def room(browser, url: str, proc: subprocess.Popen, args: argparse.Namespace) -> None:
    """A whole room: ``args.sessions`` sessions pressing Step together."""
    start = time.perf_counter()
    sessions = await asyncio.gather(*(open_page(browser, url, PHONE)
                                      for _ in range(args.sessions)))
    print(f"{args.sessions} sessions opened in {time.perf_counter() - start:.1f} s; "
          f"server memory {memory_mb(proc.pid)[0]:.0f} MB")
    pages = [p for _, p in sessions]
    watches = [FrameWatch(p) for p in pages]
    for page in pages:  # the websocket exists already: reload to watch it from the start
        await page.reload()
        await page.locator(".week").wait_for()
    answers: list[float] = []
    latencies: list[float] = []
    cpu = cpu_seconds(proc.pid)
    browsers = descendants_cpu(os.getpid(), proc.pid)
    wall = time.perf_counter()
    for _ in range(args.room_steps):
        results = await asyncio.gather(*(step_answer(p, w) for p, w in zip(pages, watches,
                                                                            strict=True)))
        answers += [a for a, _ in results]
        latencies += [s for _, s in results]
    wall = time.perf_counter() - wall
    cpu = (cpu_seconds(proc.pid) - cpu) / len(latencies)
    browsers = (descendants_cpu(os.getpid(), proc.pid) - browsers) / len(latencies)
    print(f"CPU per session-step in the room: server {cpu * 1000:.0f} ms, browser and "
          f"driver {browsers * 1000:.0f} ms; {args.room_steps} rounds took {wall:.1f} s; "
          f"machine load {os.getloadavg()[0]:.2f}")
    seen = [a for a in answers if a == a]
    print(f"server answer (click to the frame with the new week), {args.sessions} sessions "
          f"stepping together: {summary(seen) if seen else 'no frames seen'}"
          f"{'' if len(seen) == len(answers) else f' ({len(answers) - len(seen)} unseen)'}")
    rss, peak = memory_mb(proc.pid)
    print(f"step latency, {args.sessions} sessions stepping together: {summary(latencies)}")
    print(f"server memory with {args.sessions} sessions: {rss:.0f} MB now, "
          f"{peak:.0f} MB peak (target < 4096 MB)")
    for context, _ in sessions:
        await context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("protocol", "browser"), default="protocol",
                        help="protocol: the server alone, driven over its websocket (default); "
                             "browser: headless Chromium pages")
    parser.add_argument("--profile", metavar="FILE",
                        help="protocol mode: run the server under cProfile, write FILE")
    parser.add_argument("--profile-lines", type=int, default=30)
    parser.add_argument("--settle", type=float, default=0.0, metavar="SECONDS",
                        help="protocol mode: wait this long after the room's sessions open "
                             "before their first Step (default 0)")
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--steps", type=int, default=20, help="Step clicks per measurement")
    parser.add_argument("--room-steps", type=int, default=8, help="rounds of Step in the room")
    parser.add_argument("--play-seconds", type=float, default=8.0)
    parser.add_argument("--quick", action="store_true", help="fewer clicks, 5 sessions")
    parser.add_argument("--room-only", action="store_true", help="only the room measurement")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.steps, args.room_steps, args.play_seconds = 5, 5, 3, 3.0
    print(f"bench_dashboard on {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    asyncio.run(protocol_mode(args) if args.mode == "protocol" else main_async(args))


if __name__ == "__main__":
    main()
