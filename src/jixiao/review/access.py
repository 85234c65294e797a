"""Who may use the review server: Jupyter-style access for the one clerk who started it.

* The server binds to loopback unless ``--allow-remote`` (``jixiao review``
  warns then), and a request whose Host is not the bound address is refused
  (DNS rebinding: a page elsewhere that resolves its name to 127.0.0.1).
* The terminal prints ``http://HOST:PORT/?token=…``. Opening it exchanges the
  token for an HttpOnly, SameSite=Strict cookie and redirects to the bare URL,
  so the token is neither in the page nor in the history. Every route, GET and
  static files included, needs that cookie (or the token in the
  ``X-Jixiao-Token`` header, for scripts).
* A request from another Origin is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field
from typing import Iterable, Optional
from urllib.parse import urlencode

from flask import Request, redirect
from werkzeug.wrappers import Response

from ..model.errors import ErrorCode, JixiaoError

TOKEN_HEADER = "X-Jixiao-Token"
TOKEN_PARAMETER = "token"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


class Refused(JixiaoError):
    """The request may not be served; ``status`` is the HTTP status, the message says why."""

    default_code = ErrorCode.REQUEST_REFUSED

    def __init__(self, status: int, message: str, code: Optional[ErrorCode] = None):
        super().__init__(message, code=code)
        self.status = status


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_names(bind_host: str, extra: Iterable[str] = ()) -> Optional[frozenset[str]]:
    """The Host names a request may carry: the bound address (and the loopback names when it is
    loopback). None for a wildcard bind (``--allow-remote --host 0.0.0.0``): any name, the
    cookie still guards every route."""
    host = bind_host.strip("[]")
    if host in WILDCARDS:
        return None
    names = {host, *extra}
    if is_loopback(host):
        names |= LOOPBACK_NAMES
    return frozenset(names)


@dataclass
class Access:
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    hosts: Optional[frozenset[str]] = LOOPBACK_NAMES
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def cookie(self) -> str:
        # one name per server run: two servers on one machine (different ports) keep their own cookie
        return "jixiao-" + hashlib.sha256(self.token.encode()).hexdigest()[:12]

    def url(self, base: str) -> str:
        """The URL to print in the terminal: opening it signs the browser in."""
        return f"{base}?{urlencode({TOKEN_PARAMETER: self.token})}"

    def check(self, request: Request) -> Optional[Response]:
        """Raise :class:`Refused`, or return a response that ends the request (the token exchange)."""
        host = host_of(request.host or "")
        if self.hosts is not None and host not in self.hosts:
            raise Refused(403, f"host {request.host} is not the address this server is bound to",
                          ErrorCode.WRONG_HOST)
        origin = request.headers.get("Origin")
        if origin is not None and origin.rstrip("/") != request.host_url.rstrip("/"):
            raise Refused(403, "requests from another origin are refused", ErrorCode.WRONG_ORIGIN)
        offered = request.args.get(TOKEN_PARAMETER)
        if offered is not None and request.method == "GET":
            if not _same(offered, self.token):
                raise Refused(403, "wrong token: open the URL printed in the terminal", ErrorCode.WRONG_TOKEN)
            rest = [(k, v) for k, v in request.args.items(multi=True) if k != TOKEN_PARAMETER]
            response = redirect(request.path + (f"?{urlencode(rest)}" if rest else ""), code=303)
            response.set_cookie(self.cookie, self.session, httponly=True, samesite="Strict", path="/")
            return response
        if _same(request.cookies.get(self.cookie, ""), self.session):
            return None
        if _same(request.headers.get(TOKEN_HEADER, ""), self.token):
            return None
        raise Refused(403, f"not signed in: open the URL with the token that `jixiao review` printed "
                      f"(or send {TOKEN_HEADER})", ErrorCode.NOT_SIGNED_IN)


def host_of(header: str) -> str:
    """The name in a Host header: ``[::1]:8765`` → ``::1``, ``localhost:80`` → ``localhost``."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _same(a: str, b: str) -> bool:
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())
