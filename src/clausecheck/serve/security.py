"""Who may use the page: the holder of the start-up token, from the page itself, on this machine.

Three checks, each against a different attack from another web page open in the same browser:

- the Host header must name this server (a DNS-rebinding page reaches 127.0.0.1 under its own
  host name, and is refused);
- every request but the static assets carries the token printed at start-up (Jupyter's way):
  in the URL once, then in an HttpOnly cookie named after the port;
- every request that changes something also carries the token in the `X-Clausecheck-Token`
  header, which a cross-origin page cannot set without a CORS preflight that is never granted,
  and, where the browser says where it comes from (Origin, Sec-Fetch-Site), comes from here.
  A cookie alone is not enough for those, because cookies are shared by every port of a host.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass

TOKEN_HEADER = "x-clausecheck-token"
SAFE_METHODS = frozenset({"GET", "HEAD"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: a code, an HTTP status and a message."""

    code: str
    status: int
    message: str


@dataclass(frozen=True)
class Guard:
    """The checks for one running server."""

    token: str
    host: str
    port: int

    @property
    def cookie_name(self) -> str:
        # Cookies are shared by all ports of a host: a name per port keeps two servers apart.
        return f"clausecheck_token_{self.port}"

    def origin(self, host_header: str) -> str:
        return f"http://{host_header}"

    def host_allowed(self, host_header: str | None) -> bool:
        if not host_header:
            return False
        if not is_loopback(self.host):
            return True  # bound to a network address on purpose (a warning was printed): any name
        names = {*LOOPBACK_NAMES, self.host if ":" not in self.host else f"[{self.host}]"}
        return host_header.lower() in {f"{name}:{self.port}" for name in names}

    def token_matches(self, candidate: str | None) -> bool:
        return bool(candidate) and hmac.compare_digest(candidate.encode("utf-8", "replace"), self.token.encode("utf-8"))

    def check(self, method: str, headers: dict[str, str], cookie: str | None, query_token: str | None) -> Refusal | None:
        """None when the request may go on; otherwise why not. `headers` have lower-case names."""
        host_header = headers.get("host")
        if not self.host_allowed(host_header):
            return Refusal("E304", 400, "request refused: it names another host than this server")
        header_token = headers.get(TOKEN_HEADER)
        if not (self.token_matches(cookie) or self.token_matches(header_token) or self.token_matches(query_token)):
            return Refusal("E303", 403, "access refused: open the address with the token that `clausecheck serve` printed")
        if method in SAFE_METHODS:
            return None
        if not self.token_matches(header_token):
            return Refusal("E304", 403, "request refused: a change must come from the page itself (token header missing)")
        origin = headers.get("origin")
        if origin is not None and origin != self.origin(host_header):
            return Refusal("E304", 403, f"request refused: cross-origin request from {origin}")
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site is not None and fetch_site not in ("same-origin", "none"):
            return Refusal("E304", 403, f"request refused: cross-site request ({fetch_site})")
        return None
