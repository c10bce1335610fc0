"""Benchmark the order links: requests per second on ``/o/<code>`` against a bare aiohttp handler.

Why: an order link is what thousands of viewers open within seconds of a host saying a
code on air; the landing page and its click log must cost little more than aiohttp itself.
The real service (``run.py``, a real SQLite file, click logging on) and a bare handler
returning a fixed page each run in their own process; the load comes from ``wrk`` when it
is installed, else from a small asyncio client in a third process. Goal: ratio >= 0.7.

    python bench/order_links.py [--duration 10] [--connections 64]

The last line printed is one JSON object:
``{"links_req_per_s", "baseline_req_per_s", "ratio", "clicks_logged", ...}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from bench.timing import free_port, start_service, wait_ready  # noqa: E402 - after the path fix

USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0 Mobile Safari/537.36"
)
BASELINE_HTML = (
    "<!doctype html><html lang=id><meta charset=utf-8><title>K01</title>"
    "<h1>Kopi Robusta Bubuk 250 g</h1><p>Rp 43.000</p>"
    "<a href='https://wa.me/628123007919'>Pesan via WhatsApp</a></html>"
)


def save_sample_event(db_path: Path) -> None:
    """Store an event of 40 vendors and 200 products with channel ``utama`` on air now."""
    from kernel.db import open_db
    from schedules import store
    from schedules.model import Channel, Event, Product, Slot, Vendor

    now = datetime.now(UTC).replace(microsecond=0)
    vendors = [
        Vendor(
            f"v{i}", f"Usaha Jember {i}", "kopi", whatsapp=f"0812300{i:04d}", kecamatan="Tanggul"
        )
        for i in range(40)
    ]
    products = [
        Product(
            f"K{i + 1:02d}",
            f"v{i % 40}",
            f"Kopi Robusta Bubuk {i} 250 g",
            43000,
            25,
            f"https://www.tokopedia.com/usaha-{i % 40}",
        )
        for i in range(200)
    ]
    slot = Slot(
        "utama-now",
        "utama",
        now - timedelta(minutes=5),
        now + timedelta(hours=2),
        "v0",
        ("K01", "K41"),
        "Kopi Jember",
    )
    event = Event(
        "Bench",
        channels=[Channel("utama", "Panggung Utama")],
        vendors=vendors,
        products=products,
        slots=[slot],
    )
    db = open_db(db_path)
    store.migrate(db)
    store.save_event(db, event)
    db.close()


def start_baseline(port: int) -> subprocess.Popen:
    """Start this file as the bare aiohttp server in its own process."""
    cmd = [sys.executable, __file__, "--serve-baseline", "--port", str(port)]
    return subprocess.Popen(cmd, cwd=ROOT)


def serve_baseline(port: int) -> None:
    """Serve a fixed page with aiohttp and nothing else: the ceiling to compare against."""
    from aiohttp import web

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=BASELINE_HTML, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/o/{code}", page)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def run_load(url: str, connections: int, duration: float, tool: str = "auto") -> dict:
    """Drive ``url`` with keep-alive connections; return requests, errors and rate."""
    if tool == "wrk" or (tool == "auto" and shutil.which("wrk")):
        return _run_wrk(url, connections, duration)
    cmd = [
        sys.executable,
        __file__,
        "--load",
        url,
        "--connections",
        str(connections),
        "--duration",
        str(duration),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _run_wrk(url: str, connections: int, duration: float) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "-H",
        f"User-Agent: {USER_AGENT}",
        url,
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    found = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)\b", out)
    requests = int(found[1])
    seconds = float(found[2]) * {"ms": 0.001, "s": 1.0, "m": 60.0}[found[3]]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(bad[1]) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return {
        "requests": requests,
        "errors": failed,
        "seconds": seconds,
        "req_per_s": requests / seconds,
        "tool": "wrk",
    }


class _Client(asyncio.Protocol):
    """One keep-alive connection sending the next GET as soon as a response is complete."""

    def __init__(self, request: bytes, stats: dict) -> None:
        self.request, self.stats, self.buf = request, stats, b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while (end := self.buf.find(b"\r\n\r\n")) >= 0:
            head = self.buf[:end]
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head)[1])
            if len(self.buf) < end + 4 + length:
                return
            self.stats["ok" if head.startswith(b"HTTP/1.1 200") else "errors"] += 1
            self.buf = self.buf[end + 4 + length :]
            if not self.stats["stop"]:
                self.transport.write(self.request)


async def python_load(url: str, connections: int, duration: float) -> dict:
    """The fallback load generator: ``connections`` raw keep-alive HTTP/1.1 clients."""
    host, port, path = re.fullmatch(r"http://([^:/]+):(\d+)(/.*)", url).groups()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: {USER_AGENT}\r\n\r\n"
    ).encode()
    stats = {"ok": 0, "errors": 0, "stop": False}
    loop = asyncio.get_running_loop()
    conns = [
        await loop.create_connection(lambda: _Client(request, stats), host, int(port))
        for _ in range(connections)
    ]
    start = time.perf_counter()
    await asyncio.sleep(duration)  # the measuring window itself
    stats["stop"] = True
    seconds = time.perf_counter() - start
    for transport, _ in conns:
        transport.close()
    total = stats["ok"] + stats["errors"]
    return {
        "requests": total,
        "errors": stats["errors"],
        "seconds": seconds,
        "req_per_s": total / seconds,
        "tool": "python",
    }


def count_clicks_in(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT count(*) FROM clicks").fetchone()[0]


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system, all threads) a process has used; None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_load(proc: subprocess.Popen, url: str, args: argparse.Namespace, seconds: float) -> dict:
    """Run the load and note how much CPU the server spent on it."""
    before = cpu_seconds(proc.pid)
    run = run_load(url, args.connections, seconds, args.tool)
    after = cpu_seconds(proc.pid)
    run["cpu_s"] = after - before if before is not None and after is not None else None
    return run


def measure(args: argparse.Namespace, tmp: Path) -> dict:
    """Alternate short rounds of the baseline and the links, so both see the same machine.

    On a shared 2-core box the background load drifts; one 10 s run of each would compare
    two different machines. Rates are total requests over total time per side.
    """
    db_path, links_port, base_port = tmp / "bench.db", free_port(), free_port()
    save_sample_event(db_path)
    service, baseline = start_service(db_path, links_port), start_baseline(base_port)
    sides = {
        "base": (baseline, f"http://127.0.0.1:{base_port}/o/K01"),
        "links": (service, f"http://127.0.0.1:{links_port}/o/K01"),
    }
    runs: dict[str, list[dict]] = {"base": [], "links": []}
    try:
        wait_ready(f"http://127.0.0.1:{links_port}/healthz", service)
        wait_ready(sides["base"][1], baseline)
        warm = {
            side: run_load(url, args.connections, args.warmup, args.tool)
            for side, (_, url) in sides.items()
        }
        for _ in range(args.rounds):
            for side, (proc, url) in sides.items():
                runs[side].append(timed_load(proc, url, args, args.duration / args.rounds))
    finally:
        for proc in (baseline, service):
            proc.send_signal(signal.SIGTERM)  # the service writes its last clicks on SIGTERM
            proc.wait(timeout=30)
    return summarise(runs, warm, count_clicks_in(db_path), args)


def summarise(runs: dict[str, list[dict]], warm: dict, clicks: int, args) -> dict:
    """Turn the rounds into the figures printed as JSON."""
    base, links = _rate(runs["base"]), _rate(runs["links"])
    base_cpu, links_cpu = _cpu_per_request(runs["base"]), _cpu_per_request(runs["links"])
    return {
        "links_req_per_s": round(links, 1),
        "baseline_req_per_s": round(base, 1),
        "ratio": round(links / base, 3),
        "clicks_logged": clicks,
        "links_ok_responses": sum(
            r["requests"] - r["errors"] for r in [warm["links"], *runs["links"]]
        ),
        "errors": sum(r["errors"] for side in runs.values() for r in side),
        "round_ratios": [
            round(lk["req_per_s"] / b["req_per_s"], 2)
            for b, lk in zip(runs["base"], runs["links"], strict=True)
        ],
        "links_cpu_us_per_req": links_cpu,
        "baseline_cpu_us_per_req": base_cpu,
        "cpu_ratio": round(base_cpu / links_cpu, 3) if base_cpu and links_cpu else None,
        "connections": args.connections,
        "seconds_each": args.duration,
        "load_tool": runs["links"][0]["tool"],
    }


def _rate(runs: list[dict]) -> float:
    return sum(r["requests"] for r in runs) / sum(r["seconds"] for r in runs)


def _cpu_per_request(runs: list[dict]) -> float | None:
    if any(r["cpu_s"] is None for r in runs):
        return None
    return round(1e6 * sum(r["cpu_s"] for r in runs) / sum(r["requests"] for r in runs), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up before each")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5, help="alternations of the two servers")
    parser.add_argument(
        "--tool", choices=["auto", "wrk", "python"], default="auto",
        help="load generator (auto: wrk when installed, else a Python client process)",
    )  # fmt: skip
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(args.port)
        return
    if args.load:
        print(json.dumps(asyncio.run(python_load(args.load, args.connections, args.duration))))
        return
    with tempfile.TemporaryDirectory(prefix="pasar-bench-") as tmp:
        result = measure(args, Path(tmp))
    goal = "ok" if result["ratio"] >= 0.7 else "BELOW GOAL 0.7"
    print(
        f"order links: {result['links_req_per_s']} req/s, bare aiohttp:"
        f" {result['baseline_req_per_s']} req/s, ratio {result['ratio']} ({goal})"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
