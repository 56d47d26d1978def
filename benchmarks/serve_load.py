"""Load on `clausecheck serve`: N concurrent uploads of the sample contracts, all checked, none lost,
with the page still answering meanwhile.

Starts its own server on a free loopback port with a temporary --data folder, sends every
request to 127.0.0.1 only, and stops by itself: at most --uploads uploads, one probe of the
page every --probe-every seconds, and --deadline seconds in all.

    .venv/bin/python benchmarks/serve_load.py                 # 20 uploads, 2 workers
    .venv/bin/python benchmarks/serve_load.py --uploads 20 --jobs 2 --json out.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_contracts"
# Each sample with the side it is reviewed for (as its expected findings say), or neutral.
SAMPLE_PARTIES = {
    "ja_joint_development.docx": "乙",
    "en_joint_development.docx": "Partner",
    "en_license_grant_back.pdf": "Licensee",
    "ja_nda_mutual.pdf": None,
    "ja_outsourcing_sjis.txt": None,
    "en_mutual_nda.md": None,
}
BUSY = ("uploaded", "reading", "checking")


class Client:
    def __init__(self, host: str, port: int, token: str):
        self.host, self.port, self.token = host, port, token
        self.count = 0
        self._lock = threading.Lock()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
        with self._lock:
            self.count += 1
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers={"X-Clausecheck-Token": self.token, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


def one_contract(client: Client, number: int, name: str, deadline: float) -> dict:
    started = time.monotonic()
    status, body = client.request("POST", "/api/uploads", (SAMPLES / name).read_bytes(), {"X-File-Name": quote(f"{number:02d}-{name}")})
    if status != 201:
        return {"name": name, "ok": False, "why": f"upload answered {status}: {body[:200]!r}"}
    entry_id = json.loads(body)["id"]
    uploaded = time.monotonic()
    entry = wait(client, entry_id, deadline)
    if entry["state"] != "ready":
        return {"name": name, "ok": False, "why": f"read: {entry['state']} {entry.get('error')}"}
    party = SAMPLE_PARTIES[name]
    status, body = client.request("POST", f"/api/entries/{entry_id}/check", json.dumps({"party": party}).encode(), {"Content-Type": "application/json"})
    if status != 202:
        return {"name": name, "ok": False, "why": f"check answered {status}: {body[:200]!r}"}
    entry = wait(client, entry_id, deadline)
    done = time.monotonic()
    ok = entry["state"] == "done" and "json" in entry["result"].get("formats", {})
    return {"name": name, "id": entry_id, "ok": ok, "why": None if ok else f"{entry['state']} {entry.get('error')}",
            "upload_s": uploaded - started, "total_s": done - started}


def wait(client: Client, entry_id: str, deadline: float) -> dict:
    while True:
        status, body = client.request("GET", f"/api/entries/{entry_id}")
        entry = json.loads(body) if status == 200 else {"state": f"http {status}"}
        if entry["state"] not in BUSY or time.monotonic() > deadline:
            return entry
        time.sleep(0.25)


def probe(client: Client, stop: threading.Event, every: float, timings: list, failures: list) -> None:
    while not stop.is_set():
        for path in ("/", "/api/entries"):
            started = time.monotonic()
            try:
                status, _ = client.request("GET", path)
            except OSError as error:
                failures.append(f"{path}: {error}")
                continue
            timings.append(time.monotonic() - started)
            if status != 200:
                failures.append(f"{path}: {status}")
        stop.wait(every)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--probe-every", type=float, default=0.2)
    parser.add_argument("--deadline", type=float, default=300)
    parser.add_argument("--json", type=Path, help="Also write the numbers to this file.")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="clausecheck-serve-load-") as folder:
        data = Path(folder) / "data"
        log = Path(folder) / "serve.log"
        with log.open("w+b") as log_handle:
            server = subprocess.Popen([sys.executable, "-m", "clausecheck", "serve", "--port", "0", "--host", "127.0.0.1", "--data", str(data), "--jobs", str(options.jobs)],
                                      stdout=log_handle, stderr=subprocess.STDOUT)
            try:
                url = None
                for _ in range(600):
                    found = re.search(r"open (http://\S+)", log.read_text(encoding="utf-8", errors="replace"))
                    if found:
                        url = found.group(1)
                        break
                    if server.poll() is not None:
                        break
                    time.sleep(0.1)
                if url is None:
                    print(log.read_text(encoding="utf-8", errors="replace"), file=sys.stderr)
                    return 2
                parts = urlsplit(url)
                assert parts.hostname == "127.0.0.1", "loopback only"
                client = Client(parts.hostname, parts.port, parts.query.split("token=", 1)[1])
                names = [list(SAMPLE_PARTIES)[i % len(SAMPLE_PARTIES)] for i in range(options.uploads)]
                stop, timings, failures = threading.Event(), [], []
                prober = threading.Thread(target=probe, args=(client, stop, options.probe_every, timings, failures), daemon=True)
                started = time.monotonic()
                deadline = started + options.deadline
                prober.start()
                with ThreadPoolExecutor(max_workers=options.uploads) as executor:
                    outcomes = list(executor.map(lambda item: one_contract(client, item[0], item[1], deadline), enumerate(names)))
                elapsed = time.monotonic() - started
                stop.set()
                prober.join()
                status, body = client.request("GET", "/api/entries")
                listed = {e["id"] for e in json.loads(body)["entries"]}
            finally:
                server.send_signal(signal.SIGINT)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
    done = [o for o in outcomes if o["ok"]]
    lost = [o for o in outcomes if not o["ok"] or o.get("id") not in listed]
    result = {
        "uploads": options.uploads,
        "jobs": options.jobs,
        "completed": len(done),
        "lost": len(lost),
        "lost_why": [o.get("why") for o in lost],
        "wall_s": round(elapsed, 2),
        "per_contract_s_median": round(statistics.median(o["total_s"] for o in done), 2) if done else None,
        "per_contract_s_max": round(max(o["total_s"] for o in done), 2) if done else None,
        "probe_requests": len(timings),
        "probe_failures": failures,
        "probe_ms_p50": round(percentile(timings, 0.5) * 1000, 1),
        "probe_ms_p95": round(percentile(timings, 0.95) * 1000, 1),
        "probe_ms_max": round(max(timings) * 1000, 1) if timings else None,
        "requests_total": client.count,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if options.json:
        options.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if not lost and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
