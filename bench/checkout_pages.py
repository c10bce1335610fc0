"""The buyer's side of the checkout, measured: what ``bench/checkout.py`` runs beside the sweep.

2. **Checkout page under 50 buyers** (``checkout_pages``): the real service in its own
   process (``run.py``, the shipped example event, a real SQLite file), 50 buyers, each
   with their own cookie, a link order and a saved address, then each asking for their
   ``/bayar`` page in a loop for a few seconds at once. ``page_p99_ms`` against
   ``baseline_p99_ms``: ``/healthz`` of the same process under the same load (what
   aiohttp and the machine cost before any checkout work).
3. **Dynamic QRIS per second** (``qris_rate``): our ``kernel.qris.dynamic`` plus the SVG
   QR code the page serves, against the QR code alone of the same payload (segno's
   cost; the baseline).
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import segno

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run on its own, as `make bench` runs every file here
    sys.path.insert(0, str(ROOT))

from bench.timing import free_port, start_service, wait_ready  # noqa: E402 - after the path fix
from kernel.qris import dynamic  # noqa: E402

ADDRESS = {"name": "Pembeli Uji", "whatsapp": "0812 3456 7890", "delivery": "kurir",
           "country": "Indonesia", "province": "Jawa Timur", "regency": "Kabupaten Jember",
           "district": "Sumbersari", "postal_code": "68121",
           "street": "Jl. Kalimantan 37"}  # fmt: skip
CODES = ("K01", "K02", "K03", "K04")
_FIELD = re.compile(r'name="(csrf_token|request_id)" value="([^"]*)"')


async def _buyer(base: str, n: int) -> aiohttp.ClientSession:
    """A browser with a link order and an address, ready to look at its checkout."""
    session = aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True))
    code = CODES[n % len(CODES)]
    form = dict(_FIELD.findall(await (await session.get(f"/bayar/pesan/{code}")).text()))
    async with session.post(f"/bayar/pesan/{code}", data={**form, "qty": "1"}) as resp:
        page = await resp.text()
    csrf = dict(_FIELD.findall(page))["csrf_token"]
    async with session.post("/bayar/data", data={**ADDRESS, "csrf_token": csrf}) as resp:
        assert resp.status == 200, resp.status  # followed to /bayar
    return session


async def _hammer(sessions, path: str, seconds: float) -> list[float]:
    """Every session asks for ``path`` in a loop for ``seconds``; the latencies."""
    times: list[float] = []
    stop = time.perf_counter() + seconds

    async def loop(session: aiohttp.ClientSession) -> None:
        while time.perf_counter() < stop:
            began = time.perf_counter()
            async with session.get(path) as resp:
                await resp.read()
                assert resp.status == 200, resp.status
            times.append(time.perf_counter() - began)

    await asyncio.gather(*(loop(s) for s in sessions))
    return times


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)


async def _pages(base: str, buyers: int, seconds: float) -> dict:
    sessions = [await _buyer(base, n) for n in range(buyers)]
    try:
        sample = await (await sessions[0].get("/bayar")).text()
        assert "Rp " in sample and "BAYAR" in sample
        await _hammer(sessions, "/bayar", 1.0)  # warm up
        baseline = await _hammer(sessions, "/healthz", seconds)
        pages = await _hammer(sessions, "/bayar", seconds)
    finally:
        for s in sessions:
            await s.close()
    return {
        "buyers": buyers,
        "page_p50_ms": _pct(pages, 0.50),
        "page_p99_ms": _pct(pages, 0.99),
        "pages_per_s": round(len(pages) / seconds, 1),
        "baseline_p50_ms": _pct(baseline, 0.50),
        "baseline_p99_ms": _pct(baseline, 0.99),
    }


def checkout_pages(buyers: int = 50, seconds: float = 5.0) -> dict:
    """Start the service, make the buyers, measure their pages and the baseline."""
    with tempfile.TemporaryDirectory(prefix="pasar-pages-") as folder:
        port = free_port()
        proc = start_service(Path(folder) / "pasar.db", port)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base + "/healthz", proc)
            return asyncio.run(_pages(base, buyers, seconds))
        finally:
            proc.terminate()
            proc.wait(10)


def qris_rate(payload: str, amount: int = 88_123, seconds: float = 2.0) -> dict:
    """Dynamic QRIS + its SVG per second, against the SVG alone of the same payload."""

    def rate(work) -> float:
        done, stop = 0, time.perf_counter() + seconds
        while time.perf_counter() < stop:
            work()
            done += 1
        return done / seconds

    made = dynamic(payload, amount)
    ours = rate(lambda: segno.make(dynamic(payload, amount), error="m").svg_inline(scale=6))
    floor = rate(lambda: segno.make(made, error="m").svg_inline(scale=6))
    payloads = rate(lambda: dynamic(payload, amount))
    return {"qris_per_s": round(ours, 1), "baseline_qris_per_s": round(floor, 1),
            "qris_payloads_per_s": round(payloads, 1)}  # fmt: skip
