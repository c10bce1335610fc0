"""What a rehearsal finds wrong, each with the spreadsheet row to fix. Pure: no I/O.

Some problems are visible in the event alone (a vendor nobody can reach); others only
show when the show is played (a product sold out before its slot ended, a day whose
YouTube quota runs out).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from kernel.formatting import local_time
from schedules.check import WARNING, Origins, Problem
from schedules.model import Event

ERROR = "error"


def event_problems(event: Event, origins: Origins | None = None) -> list[Problem]:
    """Problems of the event itself: unreachable vendors, products sold by someone else."""
    where = origins or Origins.unknown(event)
    return [*_unreachable_vendors(event, where), *_foreign_products(event, where)]


def _unreachable_vendors(event: Event, where: Origins) -> Iterable[Problem]:
    with_link = {p.vendor_id for p in event.products if p.order_url}
    for vendor, at in zip(event.vendors, where.vendors, strict=False):
        if vendor.whatsapp:
            continue
        if vendor.id in with_link:
            message = (
                f"{vendor.name} tidak punya nomor WhatsApp: pembeli hanya bisa pesan lewat"
                " marketplace (no WhatsApp number)"
            )
        else:
            message = (
                f"{vendor.name} tidak punya nomor WhatsApp maupun link pesan: pembeli tidak"
                " bisa memesan di luar chat (no WhatsApp number or order link)"
            )
        yield at.problem("whatsapp", message, WARNING)


def _foreign_products(event: Event, where: Origins) -> Iterable[Problem]:
    owner = {p.code: p.vendor_id for p in event.products}
    for slot, at in zip(event.slots, where.slots, strict=False):
        for code in slot.products:
            if slot.vendor_id and owner.get(code) not in (None, slot.vendor_id):
                message = (
                    f"produk {code} dijual {owner[code]}, bukan {slot.vendor_id}: pesanan akan"
                    " tercatat untuk penjual lain (featured product of another vendor)"
                )
                yield at.problem("products", message, WARNING)


def sold_out_problems(
    event: Event,
    sold_out_at: Mapping[str, datetime],
    slot_ends: Mapping[str, datetime],
    origins: Origins | None = None,
) -> list[Problem]:
    """Products whose stock ran out while a slot featuring them was still on air."""
    where = origins or Origins.unknown(event)
    rows = {p.code: at for p, at in zip(event.products, where.products, strict=False)}
    problems = []
    for slot in event.slots:
        end = slot_ends.get(slot.id)
        for code in slot.products:
            gone = sold_out_at.get(code)
            if gone is None or end is None or not slot.start <= gone < end:
                continue
            left = int((end - gone).total_seconds() // 60)
            message = (
                f"stok {code} habis pukul {local_time(gone, event.tz)}, {left} menit sebelum"
                f" slot {slot.id} selesai: tambah stok? (sold out before the slot ended)"
            )
            at = rows.get(code)
            problems.append(at.problem("stock", message, WARNING) if at else
                            Problem("products", 0, "stock", message, WARNING))  # fmt: skip
    return problems


def quota_problems(days: Sequence[Mapping], limit: int) -> list[Problem]:
    """Days whose projected YouTube quota use passes the daily limit, and when."""
    problems = []
    for day in days:
        if day["projected_units"] <= limit:
            continue
        at = day.get("runs_out_at") or "?"
        message = (
            f"kuota YouTube hari {day['date']} habis sekitar {at} ({day['projected_units']} dari"
            f" {limit} unit): kurangi kanal atau frekuensi chat (quota would run out)"
        )
        problems.append(Problem("schedule", 0, "date", message, ERROR))
    return problems


def short_slot_problems(
    event: Event, step: timedelta, origins: Origins | None = None
) -> list[Problem]:
    """Slots shorter than one rotation step takes (announce, overlay, platform calls)."""
    where = origins or Origins.unknown(event)
    problems = []
    for slot, at in zip(event.slots, where.slots, strict=False):
        if slot.duration < step:
            message = (
                f"slot {slot.id} hanya {slot.duration.total_seconds():.0f} detik, lebih pendek"
                f" dari satu langkah rotasi ({step.total_seconds():.0f} detik) (slot too short)"
            )
            problems.append(at.problem("end", message, ERROR))
    return problems


def lost_problems(lost: Sequence, shown: int = 20) -> list[Problem]:
    """Claims whose end state disagrees with what their simulated buyer did (the first few)."""
    found = [
        Problem("checkout", 0, "pembayaran", f"{x.vendor_id}: {x.message} (claim lost)", ERROR)
        for x in lost[:shown]
    ]
    if len(lost) > shown:
        message = f"dan {len(lost) - shown} lagi (and more; see report.json checkout)"
        found.append(Problem("checkout", 0, "pembayaran", message, ERROR))
    return found


def unshipped_problems(late: Sequence, shown: int = 20) -> list[Problem]:
    """Paid parcels a simulated vendor had time to ship but did not (the first few)."""
    found = [
        Problem("checkout", 0, "pengiriman", f"{x.vendor_id}: {x.message} (not shipped)", ERROR)
        for x in late[:shown]
    ]
    if len(late) > shown:
        message = f"dan {len(late) - shown} lagi (and more; see report.json checkout)"
        found.append(Problem("checkout", 0, "pengiriman", message, ERROR))
    return found


def projected_quota(spent_by_day: Mapping[str, int], limit: int) -> list[dict]:
    """Turn the units spent per show day into the report's quota rows."""
    return [
        {"date": day, "projected_units": units, "limit": limit, "fits": units <= limit}
        for day, units in sorted(spent_by_day.items())
    ]
