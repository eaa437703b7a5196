"""``verkosto dashboard`` before and around the page: the port, the room's address, the token."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from verkosto import dashboard
from verkosto.cli import main


@pytest.fixture
def taken_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_a_taken_port_is_one_line_before_anything_is_announced(taken_port):
    proc = subprocess.run([sys.executable, "-m", "verkosto.cli", "dashboard", "--port",
                           str(taken_port)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == "", "nothing may be announced for a port that is taken"
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"verkosto: error: port {taken_port} is already in use")
    suggested = int(proc.stderr.rsplit("--port ", 1)[1].strip())
    assert suggested != taken_port and dashboard.port_is_free("127.0.0.1", suggested)


def test_a_taken_port_in_finnish(taken_port, capsys):
    assert main(["dashboard", "--port", str(taken_port), "--lang", "fi"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"portti {taken_port} on jo käytössä" in captured.err and "kokeile --port" in captured.err


def _status(argv):
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


@pytest.mark.parametrize("argv", [["--port", "0"], ["--port", "70000"], ["--port", "x"],
                                  ["--token", "no spaces!"], ["--host", "no.such.host.invalid"]])
def test_bad_input_is_one_line(argv, capsys):
    assert _status(["dashboard", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("verkosto: error:") and captured.err.count("\n") == 1


def test_an_empty_token_is_refused_not_replaced_by_a_random_one(monkeypatch, capsys):
    """`--token ""` (an unset shell variable) served the page behind a random secret the
    user never asked for; it is refused, naming --token and what a secret may hold."""
    served: list = []
    monkeypatch.setattr(dashboard, "bind", lambda host, port: served.append("bound"))
    monkeypatch.setattr(dashboard, "serve", lambda *a, **k: served.append("served"))
    assert _status(["dashboard", "--token", ""]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and served == []
    assert captured.err.startswith("verkosto: error: --token: the secret is empty")
    assert "4 to 128 letters A-Z or a-z, digits" in captured.err
    assert captured.err.count("\n") == 1


@pytest.mark.parametrize(("secret", "wrong", "not_said"), [
    ("abc", "the secret is too short: 3 characters, at least 4 needed", "holds"),
    ("x" * 129, "the secret is too long: 129 characters, at most 128 allowed", "holds"),
    ("kahvi ja pulla!", "the secret holds ' ', '!', which it may not", "too "),
    ("ä!", "the secret holds '!', 'ä', which it may not; the secret is too short: 2 characters",
     "too long"),
])
def test_a_refused_token_says_what_is_wrong_with_it(secret, wrong, not_said, monkeypatch, capsys):
    """`--token abc` was refused as if its characters were wrong when it is too short: the
    message names what is wrong (and nothing that is not) and what a secret may hold."""
    served: list = []
    monkeypatch.setattr(dashboard, "bind", lambda host, port: served.append("bound"))
    assert _status(["dashboard", "--token", secret]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and served == []
    assert captured.err.startswith(f"verkosto: error: --token: {wrong}")
    assert not_said not in captured.err
    assert captured.err.rstrip("\n").endswith("give 4 to 128 letters A-Z or a-z, digits, '-' or "
                                               "'_', or --token alone for a random one")


def test_a_short_token_in_finnish(monkeypatch, capsys):
    monkeypatch.setattr(dashboard, "bind", lambda host, port: None)
    assert _status(["dashboard", "--token", "abc", "--lang", "fi"]) == 2
    err = capsys.readouterr().err
    assert "liian lyhyt: 3 merkkiä, vähintään 4" in err and "anna 4–128" in err


def test_a_bare_token_still_generates_a_secret(monkeypatch, capsys):
    tokens: list = []
    monkeypatch.setenv(dashboard.LANGUAGE_ENVIRONMENT, "en")
    monkeypatch.setattr(dashboard, "bind", lambda host, port: None)
    monkeypatch.setattr(dashboard, "serve",
                        lambda host, port, token=None, sock=None: tokens.append(token))
    assert main(["dashboard", "--token"]) == 0
    assert len(tokens) == 1 and dashboard.TOKEN_PATTERN.fullmatch(tokens[0])
    assert f"?token={tokens[0]}" in capsys.readouterr().out


def test_room_announcement_has_address_qr_code_and_warning(monkeypatch, capsys):
    import io

    monkeypatch.setattr(dashboard, "lan_address", lambda: "192.168.1.20")
    out = io.StringIO()
    dashboard.announce("0.0.0.0", 8080, None, out)
    text = out.getvalue()
    assert "open http://192.168.1.20:8080/ " in text
    assert "warning: the page is visible to everyone on this local network" in text
    assert "--token" in text
    qr_lines = [line for line in text.splitlines() if "█" in line or "▀" in line]
    assert len(qr_lines) > 10, "a QR code drawn in the terminal"
    out = io.StringIO()
    dashboard.announce("0.0.0.0", 8080, "s3cret", out)
    assert "http://192.168.1.20:8080/?token=s3cret" in out.getvalue()
    out = io.StringIO()
    dashboard.announce("127.0.0.1", 8765, None, out)
    assert out.getvalue().count("\n") == 1 and "warning" not in out.getvalue()


def test_qr_code_encodes_the_address():
    import segno

    url = "http://192.168.1.20:8080/?token=abc"
    assert dashboard.qr_text(url) == _qr(segno, url)


def _qr(segno, url):
    import io

    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True)
    return buffer.getvalue()


async def _call(app, scope):
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def _inner(scope, receive, send):
    if scope["type"] == "websocket":
        await send({"type": "websocket.accept"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"page"})


def _scope(kind="http", query=b"", cookie=None):
    headers = [(b"cookie", cookie)] if cookie else []
    return {"type": kind, "path": "/", "query_string": query, "headers": headers}


def test_token_gate_needs_the_secret_then_a_cookie():
    gate = dashboard.TokenGate(_inner, "s3cret")
    refused = asyncio.run(_call(gate, _scope()))
    assert refused[0]["status"] == 403 and b"token" in refused[1]["body"]
    wrong = asyncio.run(_call(gate, _scope(query=b"token=guess")))
    assert wrong[0]["status"] == 403
    opened = asyncio.run(_call(gate, _scope(query=b"token=s3cret")))
    assert opened[0]["status"] == 200
    cookies = [v for k, v in opened[0]["headers"] if k == b"set-cookie"]
    assert len(cookies) == 1 and cookies[0].startswith(b"verkosto_token=s3cret;")
    again = asyncio.run(_call(gate, _scope(cookie=b"other=1; verkosto_token=s3cret")))
    assert again[0]["status"] == 200
    socket_ok = asyncio.run(_call(gate, _scope("websocket", cookie=b"verkosto_token=s3cret")))
    assert socket_ok == [{"type": "websocket.accept"}]
    socket_refused = asyncio.run(_call(gate, _scope("websocket")))
    assert socket_refused == [{"type": "websocket.close", "code": 1008}]


def test_the_tab_title_while_loading_is_in_the_server_s_language(monkeypatch):
    """The tab read "verkosto: networking work" in English while a Finnish page loaded
    (solara's theme title), before the page set its own title."""
    import os

    from verkosto import i18n

    for key in dashboard.OFFLINE_ENVIRONMENT:  # restored after the test
        monkeypatch.setenv(key, os.environ.get(key, ""))
    if "solara.server.settings" in sys.modules:
        import solara.server.settings as server_settings

        monkeypatch.setattr(server_settings.theme, "title", server_settings.theme.title)
    for lang, title in (("fi", "verkosto: miten verkostot kukoistavat tai hiipuvat"),
                        ("en", "verkosto: how networks thrive or fade")):
        i18n.set_language(lang)
        try:
            dashboard.configure_offline()
        finally:
            i18n.set_language(None)
        assert os.environ["SOLARA_THEME_TITLE"] == title


def _solara_page_template() -> str:
    import solara.server

    return (Path(solara.server.__file__).parent / "templates" / "solara.html.j2").read_text()


def test_solara_s_connection_words_are_each_an_element_s_text_in_its_template():
    """The page's words on a lost connection are replaced where solara's template has them as
    an element's whole text: if a solara update rewords or moves one, this fails instead of
    the room seeing English again."""
    template = _solara_page_template()
    for words in dashboard.SOLARA_WORDS:
        assert len(dashboard._element_text(words).findall(template)) == 1, words


def test_solara_s_connection_words_in_finnish_and_nothing_else_touched():
    """A Finnish room lost the connection to "Server disconnected." and "Please refresh the
    page" in English. In Finnish every one is replaced, and only where it is an element's text
    ("Cancel" stays in the script's setCancelAutoRefresh); in English the page is as solara's.
    """
    from verkosto import i18n

    template = _solara_page_template()
    i18n.set_language("fi")
    try:
        finnish = str(dashboard.page_words(template))
    finally:
        i18n.set_language(None)
    for words in dashboard.SOLARA_WORDS:
        assert not dashboard._element_text(words).search(finnish), words
    for said in ("Yhteys palvelimeen katkesi.", "Lataa sivu uudelleen", "Peruuta",
                 "Palautetaan istuntoa…"):
        assert said in finnish
    assert finnish.count("setCancelAutoRefresh") == template.count("setCancelAutoRefresh") > 0
    i18n.set_language("en")
    try:
        assert str(dashboard.page_words(template)) == template
    finally:
        i18n.set_language(None)
