"""What the checkout side costs the order desk; one function per measure.

1. **Expiry sweep** (``expiry_sweep``): ``host_writes.expire_due`` over an evening's
   open claims in a real SQLite file: 100,000 new claims across 200 codes that are
   sold out, each code with a waiting list so promotions happen, and paid orders that
   must not move. Two cases: every hold has run out at once (``expiry_sweep_ms``, the
   worst case: the first sweep after a long outage), and one slot's share (5 %) is due
   among the 100,000 open ones (``slot_sweep_ms``, what the timer meets at each
   deadline). Goal: under 1 s on a 2-core box. The baseline, on a copy of the same file
   made before the sweep, is one bare ``UPDATE ... WHERE`` of the same rows (no events,
   no promotions, no orders read back): ``sweep_over_baseline`` is how many times that
   floor the sweep takes.

    python bench/checkout.py [--claims 100000] [--codes 200] [--waiting 50] [--seed 7]

Finishes in well under three minutes with the defaults. The last line printed is one
JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from kernel.db import open_db  # noqa: E402
from kernel.times import utc_iso  # noqa: E402
from orchestrator.orders import host_writes  # noqa: E402
from orchestrator.orders import store as order_store  # noqa: E402
from orchestrator.orders.book import Stock  # noqa: E402
from orchestrator.orders.catalog import OrderCatalog  # noqa: E402
from orchestrator.orders.store import ORDER_COLUMNS  # noqa: E402

sys.path[:0] = [str(Path(__file__).resolve().parent)]
from checkout_pages import checkout_pages, qris_rate  # noqa: E402

T0 = datetime(2027, 2, 15, 8, 30, tzinfo=UTC)
GOALS = {"expiry_sweep_ms": 1000, "slot_sweep_ms": 1000}
QRIS_SAMPLE = (
    "00020101021126660016ID.CO.SHOPEE.WWW0119936009180798148443302122797734340510303UKE5144"
    "0014ID.CO.QRIS.WWW0215ID10689308501530303UKE5204549953033605802ID5921KOPI RAKYAT SIDO"
    "MULYO6006JEMBER61056811162070703A01630492F9"
)
_INSERT = (
    f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) VALUES ({','.join('?' * len(ORDER_COLUMNS))})"
)


DUE = utc_iso(T0 + timedelta(hours=25))  # the slot's end + 24 h
LATER = utc_iso(T0 + timedelta(hours=49))  # a later slot's claims


def _row(
    order_id: int, code: str, vendor: str, qty: int, status: str, viewer: int, hold: str
) -> tuple:
    created = utc_iso(T0 + timedelta(milliseconds=25 * order_id))
    return (order_id, code, vendor, "utama", "utama-0", qty, status, "youtube",
            f"UC{viewer:022d}", f"Penonton {viewer}", f"sbxM{order_id:024d}", f"{code} {qty}",
            created, 40000, None, None, created, order_id, hold)  # fmt: skip


def build_claims(
    path: Path, claims: int, codes: int, waiting: int, seed: int, due_share: float = 1.0
) -> OrderCatalog:
    """Fill ``path`` with new claims (``due_share`` of them due), paid orders and waiting
    lists; return the catalog.

    Each code's stock is exactly what its new and paid orders hold (sold out), and
    ``waiting`` orders per code wait behind them, in claim order among the others.
    """
    rng = random.Random(seed)
    names = [f"K{n + 1:03d}" for n in range(codes)]
    vendor_of = {code: f"v{n % 40}" for n, code in enumerate(names)}
    statuses = ["new"] * claims + ["paid"] * (claims // 10) + ["waiting"] * (waiting * codes)
    rng.shuffle(statuses)
    holding = dict.fromkeys(names, 0)
    rows, waits = [], dict.fromkeys(names, 0)
    for order_id, status in enumerate(statuses, start=1):
        code = rng.choice(names)
        if status == "waiting" and waits[code] >= waiting:
            code = min(waits, key=waits.get)
        qty = rng.choice((1, 1, 1, 2, 3))
        if status == "waiting":
            waits[code] += 1
        else:
            holding[code] += qty
        hold = DUE if rng.random() < due_share else LATER
        rows.append(_row(order_id, code, vendor_of[code], qty, status, rng.randrange(5000), hold))
    db = open_db(path)
    order_store.migrate(db)
    with db.atomic():
        db.conn.executemany(_INSERT, rows)
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    stock = {c: Stock(c, vendor_of[c], 40000, holding[c]) for c in names}
    return OrderCatalog(stock=stock)


def _bare_update(path: Path, now: datetime) -> tuple[float, int]:
    """The storage floor: one UPDATE of the due rows in one transaction."""
    db = open_db(path)
    start = time.perf_counter()
    with db.atomic():
        cursor = db.execute(
            "UPDATE orders SET status = 'expired', updated_utc = ?"
            " WHERE status = 'new' AND hold_until_utc <= ?",
            [utc_iso(now), utc_iso(now)],
        )
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed, cursor.rowcount


def _sweep(path: Path, catalog: OrderCatalog, now: datetime) -> tuple[float, int, int]:
    db = open_db(path)
    start = time.perf_counter()
    outcome = host_writes.expire_due(db, catalog, now)
    elapsed = time.perf_counter() - start
    left = db.execute(
        "SELECT COUNT(*) FROM orders WHERE status = 'new' AND hold_until_utc <= ?", [DUE]
    ).fetchone()[0]
    db.close()
    assert left == 0, "every due claim expired"
    return elapsed, len(outcome.expired), len(outcome.promoted)


def expiry_sweep(claims: int, codes: int, waiting: int, seed: int, due_share: float = 1.0) -> dict:
    """Time the sweep of ``claims`` open claims (``due_share`` due) against a bare UPDATE
    of the same rows."""
    with tempfile.TemporaryDirectory(prefix="pasar-checkout-") as folder:
        path = Path(folder) / "orders.db"
        catalog = build_claims(path, claims, codes, waiting, seed, due_share)
        copy = Path(folder) / "baseline.db"
        shutil.copy(path, copy)
        now = T0 + timedelta(hours=26)
        baseline, updated = _bare_update(copy, now)
        sweep, expired, promoted = _sweep(path, catalog, now)
    assert updated == expired, (updated, expired)
    return {
        "expiry_sweep_ms": round(sweep * 1000, 1),
        "baseline_sweep_ms": round(baseline * 1000, 1),
        "sweep_over_baseline": round(sweep / baseline, 2),
        "expired": expired,
        "promoted": promoted,
        "codes": codes,
    }


def show(name: str, sweep: dict) -> None:
    took, floor = sweep["expiry_sweep_ms"], sweep["baseline_sweep_ms"]
    print(f"expiry sweep, {name}: {took} ms for {sweep['expired']} claims"
          f" ({sweep['promoted']} moved up); bare UPDATE {floor} ms")  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000, help="due new claims")
    parser.add_argument("--codes", type=int, default=200, help="products they are spread over")
    parser.add_argument("--waiting", type=int, default=50, help="waiting orders per code")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--buyers", type=int, default=50, help="concurrent checkout pages")
    parser.add_argument("--seconds", type=float, default=5.0, help="page load per run")
    args = parser.parse_args(argv)
    figures: dict = {"python": platform.python_version(), "goals": GOALS}
    sweep = expiry_sweep(args.claims, args.codes, args.waiting, args.seed)
    show("all due", sweep)
    figures.update(sweep)
    slot = expiry_sweep(args.claims, args.codes, args.waiting, args.seed, due_share=0.05)
    show("one slot due", slot)
    figures.update({f"slot_{k.removeprefix('expiry_')}": v for k, v in slot.items()})
    pages = checkout_pages(args.buyers, args.seconds)
    print(f"checkout page, {pages['buyers']} buyers: p99 {pages['page_p99_ms']} ms"
          f" (healthz p99 {pages['baseline_p99_ms']} ms)")  # fmt: skip
    figures.update(pages)
    qris = qris_rate(QRIS_SAMPLE)
    print(f"dynamic QRIS + SVG: {qris['qris_per_s']}/s (SVG alone {qris['baseline_qris_per_s']}/s)")
    figures.update(qris)
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
