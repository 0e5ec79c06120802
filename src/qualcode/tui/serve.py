"""The workspace in a web browser: ``qualcode serve study.qualcode``.

textual-serve runs one ``qualcode tui`` process per browser tab (the same app, the same keys,
the same project file, the same undo) and relays its screen over a websocket. This module adds
what a study needs on top of it: localhost unless asked otherwise, a warning when the port is
reachable from other computers, an access token in that case (a link with ``?token=…`` sets a
cookie; without it the page and the websocket answer 403), and no request to a font server (the
stock page asks Google Fonts for its font; the study stays offline).
"""

from __future__ import annotations

import re
import secrets
import shlex
import sys
from pathlib import Path

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
COOKIE = "qualcode_token"
FONT_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>")


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.startswith("127.")


def tui_command(project: Path, options: list[str]) -> str:
    """The command textual-serve starts for each browser tab: this Python, this qualcode."""
    return shlex.join([sys.executable, "-m", "qualcode", "tui", str(project), *options])


def make_server(project: Path, options: list[str], host: str, port: int, token: str | None,
                public_url: str | None = None):
    """A textual_serve Server for the project. ``token`` None: no token asked (localhost)."""
    from aiohttp import web
    from textual_serve.server import Server

    class StudyServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(guard)
            return app

        async def handle_index(self, request):
            if public_url is None:  # links back to the address the browser used (not 0.0.0.0)
                self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, app) -> None:  # our own start-up lines are printed by the command
            pass

    @web.middleware
    async def guard(request, handler):
        if token is not None and not request.path.startswith("/static"):
            given = request.query.get("token") or request.cookies.get(COOKIE)
            if not given or not secrets.compare_digest(given, token):
                return web.Response(status=403, text="qualcode serve: open the link with ?token=… that "
                                                     "the server printed when it started.\n")
        response = await handler(request)
        if request.path == "/" and isinstance(response, web.Response) and response.text:
            response.text = FONT_LINK.sub("", response.text)
            if token is not None and request.query.get("token"):
                response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        return response

    name = project.stem
    return StudyServer(tui_command(project, options), host=host, port=port, title=f"qualcode · {name}",
                       public_url=public_url)


def new_token() -> str:
    return secrets.token_urlsafe(16)
