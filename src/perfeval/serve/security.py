"""Request guards, as one pure ASGI middleware (it sees every request before any route does).

* **Host** — without a token the server answers only requests naming a loopback host
  (``127.0.0.1``, ``localhost``, ``[::1]``), so a web page cannot reach it through DNS rebinding.
* **Token** — with ``--token`` every request must carry it: ``Authorization: Bearer …``,
  header ``X-Perfeval-Token``, the ``perfeval_token`` cookie, or ``?token=`` (which sets the
  cookie, so a person opens the printed address once).
* **Cross-site requests** — a POST/PUT/DELETE whose ``Origin`` is another site, or which a
  browser marks ``Sec-Fetch-Site: cross-site``, is refused.  Posts from the workbench's own pages
  (everything outside ``/api/``) must also carry the CSRF token (double submit: the
  ``perfeval_csrf`` cookie and the ``X-CSRF-Token`` header must agree; the pages post with
  ``fetch``, which another site cannot make send that header).
* **Size** — a request body larger than ``max_request`` gets 413 before it is stored
  (``Content-Length`` checked first; chunked bodies are counted as they arrive).

Refusals are JSON ``{"code", "detail"}`` with a Chinese message (a short HTML page for pages).
"""

from __future__ import annotations

import html
import json
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..issues import make_issue
from .settings import Settings

CSRF_COOKIE = "perfeval_csrf"
TOKEN_COOKIE = "perfeval_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class BodyTooLarge(Exception):
    pass


def problem(code: str, **params: Any) -> tuple[str, str]:
    """(code, Chinese message) of a refusal, from the issue catalogue."""
    i = make_issue(code, **params)
    return i.code, i.message + (f"（{i.hint}）" if i.hint else "")


def _headers(scope: dict) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(h: dict[str, str]) -> dict[str, str]:
    c = SimpleCookie()
    try:
        c.load(h.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header is treated as no cookies
        return {}
    return {k: m.value for k, m in c.items()}


async def send_problem(send, as_json: bool, status: int, code: str, message: str) -> None:
    if as_json:
        body = json.dumps({"code": code, "detail": message}, ensure_ascii=False).encode("utf-8")
        ctype = b"application/json; charset=utf-8"
    else:
        body = (
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>perfeval</title></head>"
            f"<body><h1>{status}</h1><p class=\"problem\">{html.escape(code)} {html.escape(message)}</p>"
            "<p><a href=\"/\">返回首页</a></p></body></html>"
        ).encode()
        ctype = b"text/html; charset=utf-8"
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def same_origin(origin: str, host: str) -> bool:
    try:
        o = urlsplit(origin)
    except ValueError:
        return False
    return bool(o.netloc) and o.netloc.lower() == host.lower()


class Guard:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings
        self.hosts = settings.allowed_hosts()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        # refusals are JSON for the API and for posts (the pages post with fetch and show the message)
        path = "!" + path if path.startswith("/api/") or scope.get("method", "GET") in UNSAFE else path
        h = _headers(scope)
        host = h.get("host", "")
        if self.hosts is not None:
            name = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]", 1)[0]
            if name.lower() not in self.hosts:
                return await send_problem(send, path.startswith("!"), 400, *problem("PE958", host=host[:100]))
        cookies = _cookies(h)
        set_cookies: list[tuple[bytes, bytes]] = []
        if self.settings.token:
            given = None
            auth = h.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = auth[7:].strip()
            given = given or h.get("x-perfeval-token") or cookies.get(TOKEN_COOKIE)
            q = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            if not given and q.get("token"):
                given = q["token"][0]
                if secrets.compare_digest(given.encode(), self.settings.token.encode()):
                    set_cookies.append((b"set-cookie", f"{TOKEN_COOKIE}={given}; Path=/; HttpOnly; SameSite=Strict".encode()))
            if not given or not secrets.compare_digest(given.encode(), self.settings.token.encode()):
                return await send_problem(send, path.startswith("!"), 401, *problem("PE955"))
        method = scope.get("method", "GET")
        if method in UNSAFE:
            origin = h.get("origin")
            if origin is not None and not same_origin(origin, host):
                return await send_problem(send, path.startswith("!"), 403, *problem("PE954", reason=f"Origin: {origin[:100]}"))
            if h.get("sec-fetch-site") == "cross-site":
                return await send_problem(send, path.startswith("!"), 403, *problem("PE954", reason="Sec-Fetch-Site: cross-site"))
            if not path.startswith("!/api/"):  # posts of the pages (not of API clients)
                header = h.get("x-csrf-token")
                cookie = cookies.get(CSRF_COOKIE)
                if not header or not cookie or not secrets.compare_digest(header.encode(), cookie.encode()):
                    return await send_problem(send, path.startswith("!"), 403, *problem("PE954", reason="缺少或不符的 CSRF 令牌"))
            length = h.get("content-length")
            limit = self.settings.max_request
            if length is not None:
                try:
                    n = int(length)
                except ValueError:
                    n = limit + 1
                if n > limit:
                    return await send_problem(send, path.startswith("!"), 413, *problem("PE952", limit=limit))
            receive = _counting(receive, limit)
        csrf = cookies.get(CSRF_COOKIE)
        if not csrf:
            csrf = secrets.token_urlsafe(24)
            set_cookies.append((b"set-cookie", f"{CSRF_COOKIE}={csrf}; Path=/; SameSite=Strict".encode()))
        scope.setdefault("state", {})["csrf"] = csrf
        started = False

        async def send_wrapper(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if set_cookies:
                    message = dict(message)
                    message["headers"] = list(message.get("headers", [])) + set_cookies
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except BodyTooLarge:
            if not started:
                await send_problem(send, path.startswith("!"), 413, *problem("PE952", limit=self.settings.max_request))


def _counting(receive, limit: int):
    seen = 0

    async def wrapped():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
        return message

    return wrapped
