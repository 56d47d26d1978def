"""Start `clausecheck serve`: bind, start the workers, print the address with its token, serve.

The socket is bound before anything is printed, so the printed address is the one that
answers (also with `--port 0`, which picks a free port). Uvicorn serves the application on
that socket; Ctrl-C stops the server, then the workers.
"""

from __future__ import annotations

import os
import socket
import sys
import webbrowser
from pathlib import Path

import uvicorn

from clausecheck.serve.app import ServeConfig, create_app
from clausecheck.serve.checks import Checks
from clausecheck.serve.history import History
from clausecheck.serve.security import is_loopback
from clausecheck.serve.tasks import prepare
from clausecheck.serve.uploads import ensure_folders
from clausecheck.serve.workers import WorkerPool

APP_FOLDER = "clausecheck"


def default_data_folder() -> Path:
    """A folder in the user's data directory (XDG on Linux, Application Support, LOCALAPPDATA)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_FOLDER


def exposure_warning(host: str) -> str | None:
    """What to tell the user who binds the page to an address other machines can reach."""
    if is_loopback(host):
        return None
    return (f"clausecheck: warning: serving on {host}, reachable from other machines, over plain HTTP: anyone who can reach it "
            "and has the token can upload contracts and read the memos; use the default 127.0.0.1 unless you mean it")


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def address(host: str, port: int, token: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def serve(data: Path, host: str, port: int, token: str, jobs: int, timeout: float, max_bytes: int, rules_dirs: tuple[str, ...], open_browser: bool, echo) -> None:
    """Run the server until interrupted; `echo` prints a line for the person who started it."""
    data = Path(data).expanduser().resolve()
    # Contracts are confidential: a new data folder is readable by its owner only.
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    ensure_folders(data)
    warning = exposure_warning(host)
    if warning:
        echo(warning)
    sock = bind(host, port)
    port = sock.getsockname()[1]
    config = ServeConfig(data=data, host=host, port=port, token=token, max_bytes=max_bytes, jobs=jobs, timeout=timeout, rules_dirs=rules_dirs)
    pool = WorkerPool(jobs, timeout, initializer=prepare, initargs=(rules_dirs,), preload=("clausecheck.serve.tasks",))
    history = History(data)
    checks = Checks(data, history, pool, max_bytes, rules_dirs)
    checks.resume()
    app = create_app(config, checks)
    url = address(host, port, token)
    echo(f"clausecheck serve: open {url}")
    echo(f"clausecheck serve: files and history are kept in {data}; press Ctrl-C to stop")
    if open_browser:
        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, lifespan="off"))
    try:
        server.run(sockets=[sock])
    finally:
        pool.close()
        history.close()
        sock.close()
