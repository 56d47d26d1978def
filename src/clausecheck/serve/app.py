"""The web application of `clausecheck serve` (Starlette): the page, its JSON API and the downloads.

Routes:
  GET  /                              the page (with ?token=: remember the token in a cookie, then redirect)
  GET  /static/...                    the page's own script and style (nothing is loaded from elsewhere)
  POST /api/uploads                   one file as the raw request body, its name in X-File-Name
  GET  /api/entries?q=                the history, newest first, filtered by name or title
  GET  /api/entries/{id}              one entry, with its live stage
  POST /api/entries/{id}/check        check it: {"party", "contract_type", "memo_language"}
  DELETE /api/entries/{id}            forget it and delete its stored copy and outputs
  GET  /entries/{id}/memo             the memo, for the page's sandboxed frame
  GET  /entries/{id}/download/{fmt}   one output as a download

Every error answer is `{"error": {"code": "E1xx", "message": "..."}}` (an HTML page for the
page itself); a traceback is never sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from clausecheck import __version__
from clausecheck.errors import ClausecheckError, InputError
from clausecheck.parsers import SUPPORTED_SUFFIXES
from clausecheck.report.strings import STRINGS as MEMO_STRINGS
from clausecheck.serve.checks import CONTRACT_TYPES, CheckRequest, Checks
from clausecheck.serve.history import READY, DONE, FAILED
from clausecheck.serve.i18n import LANGUAGES, choose_language, strings
from clausecheck.serve.security import Guard, Refusal
from clausecheck.serve.tasks import download_ids
from clausecheck.serve.uploads import store_upload

PACKAGE = Path(__file__).parent
ENTRY_ID = re.compile(r"^[0-9a-f]{32}$")
LANGUAGE_COOKIE = "clausecheck_lang"
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The memo is the contract's own text: shown sandboxed, with no script and nothing to fetch.
MEMO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox"
CHECKABLE_STATES = (READY, DONE, FAILED)


@dataclass(frozen=True)
class ServeConfig:
    """How the server was started."""

    data: Path
    host: str
    port: int
    token: str
    max_bytes: int
    jobs: int
    timeout: float
    rules_dirs: tuple[str, ...] = ()


def error_response(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _status_of(error: ClausecheckError) -> int:
    if error.code == "E109":
        return 413
    if error.code.startswith("E1"):
        return 422
    return 500


class SecurityHeaders:
    """ASGI middleware: the headers every answer carries (no sniffing, no referrer, no caching)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                present = {k.lower() for k, _ in headers}
                for name, value in (
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"content-security-policy", PAGE_POLICY.encode()),
                ):
                    if name not in present:
                        headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(config: ServeConfig, checks: Checks) -> Starlette:
    guard = Guard(config.token, config.host, config.port)
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )

    def refusal_of(request: Request) -> Refusal | None:
        return guard.check(
            request.method,
            {k.lower(): v for k, v in request.headers.items()},
            request.cookies.get(guard.cookie_name),
            request.query_params.get("token"),
        )

    def language_of(request: Request) -> str:
        return choose_language(request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))

    def refused_page(request: Request, refusal: Refusal) -> HTMLResponse:
        language = language_of(request)
        html = templates.get_template("refused.html.j2").render(s=strings(language), code=refusal.code, message=refusal.message, version=__version__)
        return HTMLResponse(html, status_code=refusal.status)

    def api_guard(request: Request) -> JSONResponse | None:
        refusal = refusal_of(request)
        return error_response(refusal.code, refusal.message, refusal.status) if refusal else None

    def entry_or_404(entry_id: str):
        entry = checks.history.get(entry_id) if ENTRY_ID.match(entry_id) else None
        if entry is None:
            raise HTTPException(404, "no such entry")
        return entry

    async def page(request: Request) -> Response:
        refusal = refusal_of(request)
        if refusal:
            return refused_page(request, refusal)
        language = language_of(request)
        if request.query_params.get("token") or request.query_params.get("lang"):
            # The token leaves the address bar (and the history) at once; a cookie remembers it.
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(guard.cookie_name, config.token, httponly=True, samesite="strict", path="/")
            if request.query_params.get("lang") in LANGUAGES:
                response.set_cookie(LANGUAGE_COOKIE, language, samesite="strict", path="/", max_age=365 * 24 * 3600)
            return response
        ui = strings(language)
        memo = MEMO_STRINGS[language]
        data = {
            "token": config.token,
            "lang": language,
            "max_bytes": config.max_bytes,
            "suffixes": list(SUPPORTED_SUFFIXES),
            "formats": download_ids(),
            "strings": ui,
            "contract_types": [{"id": t, "name": memo["types"][t]} for t in CONTRACT_TYPES],
        }
        html = templates.get_template("page.html.j2").render(
            s=ui,
            lang=language,
            other_language="ja" if language == "en" else "en",
            data=data,
            data_folder=str(config.data),
            accept=",".join(SUPPORTED_SUFFIXES),
            max_mb=config.max_bytes // (1024 * 1024),
            version=__version__,
        )
        return HTMLResponse(html)

    async def upload(request: Request) -> Response:
        refused = api_guard(request)
        if refused:
            return refused
        raw_name = unquote(request.headers.get("x-file-name", ""), errors="replace")
        length = request.headers.get("content-length")
        declared = int(length) if length and length.isdigit() else None
        try:
            stored = await store_upload(config.data, raw_name, declared, request.stream(), config.max_bytes)
        except ClientDisconnect:
            # The browser gave up (the page was closed mid-upload): the part file is gone, nobody is listening.
            return Response(status_code=400)
        entry = checks.add(stored)
        return JSONResponse(checks.view(entry), status_code=201)

    async def list_entries(request: Request) -> Response:
        refused = api_guard(request)
        if refused:
            return refused
        query = request.query_params.get("q", "")[:200]
        return JSONResponse({"entries": [checks.view(e) for e in checks.history.search(query)]})

    async def show_entry(request: Request) -> Response:
        refused = api_guard(request)
        if refused:
            return refused
        return JSONResponse(checks.view(entry_or_404(request.path_params["entry_id"])))

    async def check_entry(request: Request) -> Response:
        refused = api_guard(request)
        if refused:
            return refused
        entry = entry_or_404(request.path_params["entry_id"])
        if entry.state not in CHECKABLE_STATES or entry.language is None:  # no language: it could not be read
            return error_response("E100", "this file is not ready to be checked", 409)
        try:
            body = json.loads((await request.body())[:10_000] or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            return error_response("E100", "the check options are not a JSON object", 400)
        choice = CheckRequest(
            party=_text(body.get("party")), contract_type=_text(body.get("contract_type")), memo_language=_text(body.get("memo_language"))
        )
        checks.check(entry, choice)
        return JSONResponse(checks.view(checks.history.get(entry.id)), status_code=202)

    async def delete_entry(request: Request) -> Response:
        refused = api_guard(request)
        if refused:
            return refused
        entry = entry_or_404(request.path_params["entry_id"])
        checks.delete(entry.id)
        return Response(status_code=204)

    async def memo(request: Request) -> Response:
        refusal = refusal_of(request)
        if refusal:
            return refused_page(request, refusal)
        entry = entry_or_404(request.path_params["entry_id"])
        path = checks.output_path(entry, "html")
        if path is None:
            raise HTTPException(404, "no memo for this entry")
        return FileResponse(path, media_type="text/html; charset=utf-8", headers={"content-security-policy": MEMO_POLICY, "x-frame-options": "SAMEORIGIN"})

    async def download(request: Request) -> Response:
        refused = api_guard(request)
        if refused:
            return refused
        entry = entry_or_404(request.path_params["entry_id"])
        output_format = request.path_params["output_format"]
        path = checks.output_path(entry, output_format)
        if path is None:
            raise HTTPException(404, "no such output for this entry")
        name = entry.result["formats"][output_format]
        return FileResponse(path, media_type=_media_type(output_format), headers={"content-disposition": _attachment(name), "content-security-policy": MEMO_POLICY})

    async def clausecheck_error(request: Request, error: ClausecheckError) -> Response:
        return error_response(error.code, error.message, _status_of(error))

    async def http_error(request: Request, error: HTTPException) -> Response:
        return error_response("E101" if error.status_code == 404 else "E100", str(error.detail), error.status_code)

    async def internal_error(request: Request, error: Exception) -> Response:
        # The message names the kind of failure; the traceback stays in the server.
        return error_response("E300", f"internal error: {type(error).__name__}", 500)

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/api/uploads", upload, methods=["POST"]),
        Route("/api/entries", list_entries, methods=["GET"]),
        Route("/api/entries/{entry_id}", show_entry, methods=["GET"]),
        Route("/api/entries/{entry_id}", delete_entry, methods=["DELETE"]),
        Route("/api/entries/{entry_id}/check", check_entry, methods=["POST"]),
        Route("/entries/{entry_id}/memo", memo, methods=["GET"]),
        Route("/entries/{entry_id}/download/{output_format}", download, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=PACKAGE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={ClausecheckError: clausecheck_error, InputError: clausecheck_error, HTTPException: http_error, Exception: internal_error},
    )
    app.add_middleware(SecurityHeaders)
    return app


def _text(value) -> str | None:
    """A choice from the page: a short string, or None for "automatic" (empty, missing or not a string)."""
    if not isinstance(value, str):
        return None
    return value.strip()[:200] or None


def _media_type(output_format: str) -> str:
    return {
        "html": "text/html; charset=utf-8",
        "json": "application/json",
        "md": "text/markdown; charset=utf-8",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "redline": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "sarif": "application/sarif+json",
    }.get(output_format, "application/octet-stream")


def _attachment(name: str) -> str:
    """Content-Disposition for a download named `name` (RFC 6266: an ASCII fallback and the UTF-8 name)."""
    fallback = re.sub(r'[^A-Za-z0-9._-]+', "_", name).strip("_") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
