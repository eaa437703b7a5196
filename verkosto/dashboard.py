"""``verkosto dashboard``: the trainer's live dashboard in the browser.

A solara application (the page itself is in :mod:`verkosto.dashboard_app`)
served by solara's own ASGI server through uvicorn, bound to 127.0.0.1 unless
told otherwise. The listening socket is bound before anything is printed, so
a port already taken is reported on one line with a free one to try, instead
of an announcement followed by a server traceback. For a room
(``--host 0.0.0.0``) it prints the address participants type, a QR code of it
in the terminal (segno) and a warning that the page is visible on the local
network; ``--token`` puts a :class:`TokenGate` in front of the page. It works in a training room
without internet: every front-end file comes from the installed
``solara-assets`` wheel, solara's fallback CDN is pointed at a dead loopback
address so that a missing file fails at once instead of leaving the machine,
and solara's usage telemetry and version check are off.

While the page loads, solara shows its loading screen, which said "Loading resources" and
"Made with Solara" in English to a Finnish room. solara picks that screen by its
``theme.loader`` setting from the page's template folder first (``templates/`` beside the
app's directory), so the page is served as :mod:`verkosto.page` and its own loading screen
is ``verkosto/templates/loader-verkosto.html``, whose one word comes from the catalogs.

This module stays light (no solara import) so that the command line starts
fast and so that solara's settings, which it reads when first imported, can be
set here first.
"""

from __future__ import annotations

import argparse
import errno
import hmac
import os
import re
import secrets
import socket
import sys
import warnings
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from verkosto import argtypes, i18n
from verkosto.errors import InputError
from verkosto.i18n import N_, _, ngettext

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP_REFERENCE = "verkosto.page:Page"
"""What solara's server loads (module:component); a package, so that solara finds the page's
templates in ``verkosto/templates`` (see :mod:`verkosto.page`)."""

LOADER = "verkosto"
"""solara's ``theme.loader``: the loading screen ``verkosto/templates/loader-verkosto.html``."""

LOADING_TEXT = N_("Loading…")
"""The one word of the loading screen, in the server's language."""
LOADING_TEXT_VARIABLE = "verkosto_loading_text"
"""The name under which the loading screen's template reads :data:`LOADING_TEXT`."""

SOLARA_WORDS = (
    N_("App is disconnected, and may not function properly. Please refresh the page."),
    N_("Server disconnected."),
    N_("Restoring session…"),
    N_("Please refresh the page"),
    N_("Could not restore session. Please refresh."),
    N_("Refresh now"),
    N_("Cancel"),
)
"""The words solara's page template shows a room when the connection to the server is lost
or a session cannot be restored (``solara/server/templates/solara.html.j2``, production
mode), as solara writes them; the page gives them in the server's language
(:func:`page_words`)."""
PAGE_WORDS_FUNCTION = "verkosto_page_words"
"""The name under which ``verkosto/templates/index.html.j2`` reads :func:`page_words`."""

DEAD_CDN = "http://127.0.0.1:9/"
"""Where solara would fetch a front-end file missing from the installed assets:
a loopback port nothing listens on (the discard port), so it fails fast, locally."""

PAGE_TITLE = N_("verkosto: how networks thrive or fade")
"""The browser tab's title while the page loads, in the server's language (the page then
sets the same words in the session's language)."""

LANGUAGE_ENVIRONMENT = "VERKOSTO_LANG"
"""Tells the page (:mod:`verkosto.dashboard_app`) the language a new session opens in."""

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""Hosts only this machine reaches: no QR code, no warning."""
ANY_HOSTS = frozenset({"0.0.0.0", "::", ""})
"""Hosts that mean every interface: the printed address is the machine's own on the network."""

TOKEN_PARAMETER = "token"
TOKEN_COOKIE = "verkosto_token"
TOKEN_BYTES = 9
"""A generated secret has 12 characters (72 random bits)."""
TOKEN_MIN_LENGTH = 4
"""Shortest secret accepted: a link to guess, not a password to remember."""
TOKEN_MAX_LENGTH = 128
"""Longest secret accepted: it travels in a link and a cookie."""
TOKEN_CHARACTER = re.compile(r"[A-Za-z0-9_-]")
"""What a secret may hold: characters that need no escaping in a link or a cookie."""
TOKEN_PATTERN = re.compile(rf"{TOKEN_CHARACTER.pattern}{{{TOKEN_MIN_LENGTH},{TOKEN_MAX_LENGTH}}}")
RANDOM_TOKEN = object()
"""What a bare ``--token`` leaves in the arguments: generate a secret. A marker of its own,
not the empty string, so that ``--token ""`` (an unset shell variable, say) is refused
rather than silently taken for a random secret the user never meant."""
REFUSED_TEXT = ("This dashboard needs the link with its secret (…/?token=…); ask the trainer.\n"
                "Tämä sivu avautuu vain linkillä, jossa on sen salasana (…/?token=…); "
                "kysy kouluttajalta.\n")
"""What a visitor without the secret sees, in both languages (the page's language is not
known before it opens)."""

MAX_PORT = 65536
SUGGESTION_SPAN = 50
"""How many ports above a taken one are tried for a suggestion."""
BACKLOG = 128

OFFLINE_ENVIRONMENT: dict[str, str] = {
    "SOLARA_APP": APP_REFERENCE,
    "SOLARA_ASSETS_PROXY": "true",
    "SOLARA_ASSETS_CDN": DEAD_CDN,
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_MODE": "production",
    "SOLARA_THEME_TITLE": PAGE_TITLE,
    "SOLARA_THEME_SHOW_BANNER": "false",
    "SOLARA_THEME_LOADER": LOADER,
}
"""Solara settings for serving offline; they must be in place before solara is imported."""


def configure_offline() -> None:
    """Make solara serve every asset from this machine and talk to no one else.

    Sets the environment for a solara imported later and, where solara is
    already imported, its live settings objects too.
    """
    title = _(PAGE_TITLE)
    os.environ.update({**OFFLINE_ENVIRONMENT, "SOLARA_THEME_TITLE": title})
    if "solara.server.settings" in sys.modules:
        import solara.server.settings as server_settings
        import solara.settings

        solara.settings.assets.proxy = True
        solara.settings.assets.cdn = DEAD_CDN
        server_settings.telemetry.mixpanel_enable = False
        server_settings.main.mode = "production"
        server_settings.theme.title = title
        # The loader stays solara's here: ``solara run verkosto.dashboard`` serves the page
        # from verkosto/, and solara would look for loader-verkosto.html beside that folder.


def provide_loading_text() -> None:
    """Give the loading screen's template its word, in the server's language.

    solara renders its page template with a fixed set of values and no setting for the
    loading words, so the word is a global of the Jinja environment solara renders with
    (``solara.server.server.get_jinja_env``, not a documented API; made once per process,
    as the server's language is; solara is pinned in pyproject.toml).
    """
    from solara.server import server

    environment = server.get_jinja_env(app_name="__default__")
    environment.globals[LOADING_TEXT_VARIABLE] = _(LOADING_TEXT)
    environment.globals[PAGE_WORDS_FUNCTION] = page_words


def _element_text(words: str) -> re.Pattern[str]:
    """``words`` as the whole text of an element in a template (between ``>`` and ``<``,
    line breaks and indentation anywhere between the words), so that "Cancel" is a button's
    word and not part of a script's ``setCancelAutoRefresh``.
    """
    return re.compile(r"(>\s*)" + r"\s+".join(map(re.escape, words.split())) + r"(\s*<)")


def page_words(page: str) -> Any:
    """The page solara rendered (``page``) with :data:`SOLARA_WORDS` in
    the server's language: a Finnish room lost the connection to "Server disconnected." and
    was asked to "Please refresh the page" in English.

    solara's template has no setting or block for these words, so verkosto's
    ``index.html.j2`` passes the rendered page through here; each is replaced where it is an
    element's whole text, escaped as HTML. The tests check that each is found in the pinned
    solara's page.
    """
    from markupsafe import Markup, escape

    text = str(page)
    for words in SOLARA_WORDS:
        if _(words) == words:
            continue  # solara's own words (in English), left as its template lays them out
        said = str(escape(_(words)))
        text = _element_text(words).sub(lambda match, said=said: match[1] + said + match[2], text)
    return Markup(text)


class PortTaken(InputError):
    """The port cannot be bound; the message says which and suggests another."""


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def port_is_free(host: str, port: int) -> bool:
    """Whether ``port`` can be bound on ``host`` now."""
    try:
        with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError:
        return False
    return True


def bind(host: str, port: int) -> socket.socket:
    """Bind the server's listening socket before anything is announced.

    Binding here (and handing the socket to uvicorn) means a port already taken
    is found before the address is printed, and no other program can take the
    port between the check and the start.

    Raises:
        PortTaken: The port is in use or not allowed; the message suggests a free port.
        InputError: The host is not an address of this machine.
    """
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except socket.gaierror as error:
        sock.close()
        raise InputError(_("--host {host}: not an address of this machine ({reason})").format(
            host=host, reason=error.strerror)) from None
    except OSError as error:
        sock.close()
        if error.errno not in (errno.EADDRINUSE, errno.EACCES):
            raise InputError(_("--host {host}: cannot listen there ({reason})").format(
                host=host, reason=error.strerror)) from None
        free = next((p for p in range(port + 1, port + SUGGESTION_SPAN)
                     if p < MAX_PORT and port_is_free(host, p)), None)
        hint = (_("; try --port {port}").format(port=free) if free is not None else "")
        reason = (_("port {port} is already in use on {host}") if error.errno == errno.EADDRINUSE
                  else _("port {port} needs administrator rights on {host}"))
        raise PortTaken(reason.format(port=port, host=host) + hint) from None
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def lan_address() -> str | None:
    """This machine's address on the local network (what participants type), if any.

    Asks the operating system which interface would reach a documentation address
    (a UDP "connect" sends nothing), so it works without internet.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def page_url(host: str, port: int, token: str | None) -> str:
    """The address to open (or to type, on a participant's device)."""
    if host in ANY_HOSTS:
        host = lan_address() or "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    query = f"?{TOKEN_PARAMETER}={token}" if token else ""
    return f"http://{shown}:{port}/{query}"


def qr_text(url: str) -> str:
    """A QR code of ``url`` drawn with text characters for the terminal."""
    import io

    import segno

    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True)
    return buffer.getvalue()


class TokenGate:
    """ASGI middleware: only the link's secret (or the cookie it sets) opens the page.

    The first request carries ``?token=SECRET`` (the printed link); the answer
    sets a cookie, so the page's own requests and its websocket pass without
    the query. Anything else gets 403 (a websocket is closed).

    Args:
        app: The ASGI application behind the gate.
        token: The secret.
    """

    def __init__(self, app: Any, token: str):
        self.app = app
        self.token = token

    def _allowed(self, scope: dict[str, Any]) -> tuple[bool, bool]:
        """(allowed, by the query) for a request scope."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get(TOKEN_PARAMETER, [""])[0]
        if given and hmac.compare_digest(given, self.token):
            return True, True
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                jar = SimpleCookie()
                jar.load(value.decode("latin-1"))
                morsel = jar.get(TOKEN_COOKIE)
                if morsel is not None and hmac.compare_digest(morsel.value, self.token):
                    return True, False
        return False, False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Let a request through to the page, or refuse it."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        allowed, by_query = self._allowed(scope)
        if not allowed:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            body = REFUSED_TEXT.encode("utf-8")
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        if not by_query or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = (f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict").encode()

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def application(token: str | None = None) -> Any:
    """Solara's ASGI application, behind a :class:`TokenGate` when a token is given."""
    configure_offline()
    from solara.server.starlette import app

    provide_loading_text()
    return TokenGate(app, token) if token else app


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, log_level: str = "warning",
          token: str | None = None, sock: socket.socket | None = None) -> None:
    """Run the dashboard server in this process until interrupted.

    Args:
        host: Address to bind; keep 127.0.0.1 unless the room needs to reach it.
        port: TCP port.
        log_level: uvicorn's log level.
        token: A secret the page requires (``None``: open to whoever reaches it).
        sock: A socket already bound by :func:`bind` (bound here otherwise).
    """
    configure_offline()
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    import uvicorn

    # Solara warns on every page load over plain http that it cannot set a cross-site cookie;
    # a dashboard on this machine needs none.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    sock = sock if sock is not None else bind(host, port)
    config = uvicorn.Config(application(token), log_level=log_level)
    uvicorn.Server(config).run(sockets=[sock])


def announce(host: str, port: int, token: str | None, out: Any = None) -> None:
    """Print the address to open, and for a room: the QR code and a warning."""
    out = out if out is not None else sys.stdout
    url = page_url(host, port, token)
    print(_("verkosto dashboard: open {url} (Ctrl+C stops it)").format(url=url), file=out)
    if host not in LOOPBACK_HOSTS:
        print(_("Participants can open it on their own devices: type the address or scan "
                "this code."), file=out)
        print(qr_text(url), file=out, end="")
        warning = _("warning: the page is visible to everyone on this local network")
        if not token:
            warning += _("; add --token to let in only those who have the link")
        print(warning, file=out)
    out.flush()


def token_problem(token: str) -> str | None:
    """What is wrong with a secret given to ``--token``, in words for the user.

    Args:
        token: The secret as typed.

    Returns:
        ``None`` for a secret :data:`TOKEN_PATTERN` accepts, else one message naming each
        thing wrong (characters not allowed, too short, too long) and what is allowed.
    """
    if TOKEN_PATTERN.fullmatch(token):
        return None
    allowed = _("give {low} to {high} letters A-Z or a-z, digits, '-' or '_', or --token alone "
                "for a random one").format(low=TOKEN_MIN_LENGTH, high=TOKEN_MAX_LENGTH)
    if not token:
        return _("--token: the secret is empty; {allowed}").format(allowed=allowed)
    problems = []
    # Name the refused characters themselves: "letters" alone leaves ä or a space a guess.
    refused = sorted({c for c in token if not TOKEN_CHARACTER.fullmatch(c)})
    if refused:
        problems.append(_("the secret holds {characters}, which it may not").format(
            characters=", ".join(repr(c) for c in refused)))
    if len(token) < TOKEN_MIN_LENGTH:
        problems.append(ngettext("the secret is too short: {n} character, at least {low} needed",
                                 "the secret is too short: {n} characters, at least {low} needed",
                                 len(token)).format(n=len(token), low=TOKEN_MIN_LENGTH))
    elif len(token) > TOKEN_MAX_LENGTH:
        problems.append(_("the secret is too long: {n} characters, at most {high} allowed").format(
            n=len(token), high=TOKEN_MAX_LENGTH))
    return _("--token: {problems}; {allowed}").format(problems="; ".join(problems),
                                                      allowed=allowed)


def _run(args: argparse.Namespace) -> int:
    """Handle ``verkosto dashboard``: bind first, then announce, then serve."""
    token = args.token
    if token is RANDOM_TOKEN:
        token = secrets.token_urlsafe(TOKEN_BYTES)
    elif token is not None:
        problem = token_problem(token)
        if problem:
            raise InputError(problem)
    os.environ[LANGUAGE_ENVIRONMENT] = args.lang
    sock = bind(args.host, args.port)
    announce(args.host, args.port, token)
    serve(args.host, args.port, token=token, sock=sock)
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``dashboard`` subcommand to the ``verkosto`` command line.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers``.

    Returns:
        The subcommand's parser.
    """
    parser = subparsers.add_parser(
        "dashboard",
        help=_("live dashboard for trainers in the browser (works offline)"),
        description=_("Serve the trainer's dashboard: pick a scenario, or two side by side, "
                      "move the sliders, press Reset, then Step or Play, and watch familiarity, "
                      "trust and commitment grow or wither."),
    )
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=_("address to bind (default {host}: this machine only; 0.0.0.0 "
                               "lets the room's devices reach it)").format(host=DEFAULT_HOST))
    parser.add_argument("--port", type=argtypes.number(1, MAX_PORT - 1, integer=True),
                        default=DEFAULT_PORT,
                        help=_("TCP port (default {port})").format(port=DEFAULT_PORT))
    parser.add_argument("--token", nargs="?", const=RANDOM_TOKEN, default=None, metavar="SECRET",
                        help=_("require this secret in the link (without SECRET: a random "
                               "one); the printed link carries it"))
    i18n.add_language_argument(parser)
    parser.set_defaults(func=_run)
    return parser


def __getattr__(name: str) -> Any:
    """Let ``solara run verkosto.dashboard`` find the page, importing solara lazily."""
    if name in ("Page", "page"):
        configure_offline()
        from verkosto import dashboard_app

        return dashboard_app.Page
    raise AttributeError(name)
