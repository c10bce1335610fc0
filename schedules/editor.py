"""Organiser editor: the schedule, slot/vendor/product forms, upload and export, JSON API.

Plain POST forms with Post/Redirect/Get, so it works on a phone without JavaScript. The
checks live in ``schedules.editing``; this module reads the request, checks it against the
event the schedule feed holds, and writes only if the schedule did not change in between.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlite_utils import Database

from kernel.errors import NotFound
from kernel.forms import read_form
from kernel.keys import CLOCK, SCHEDULE, SLOT_LOCK, STORE
from kernel.web import render
from schedules import editing, flash, schedule_view, store
from schedules.editing import FORM_LEVEL, Checked
from schedules.editor_photos import photo_preview, read_photo_change, with_photo
from schedules.model import Event, Product, Slot, Vendor

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
FormMaker = Callable[[Slot | None, ZoneInfo], Mapping[str, object]]

NO_EVENT = "Belum ada acara. Unggah file CSV atau YAML dulu (no event yet)."
BUSY = "Jadwal sedang diubah orang lain; coba lagi (busy, try again)."


def _find(items: list, key: str, wanted: str | None, what: str) -> Any:
    """Return the item whose ``key`` is ``wanted`` (``None`` asks for a new one)."""
    if wanted is None:
        return None
    found = next((i for i in items if getattr(i, key) == wanted), None)
    if found is None:
        raise NotFound(f"{what} {wanted} tidak ada (not found); mungkin sudah dihapus.")
    return found


# --- reading from the feed, writing through the store ---------------------------------


def snapshot(request: web.Request) -> tuple[Event | None, int]:
    """The event and its revision as the feed last published them (no database read)."""
    schedule = request.config_dict[SCHEDULE].current()
    return schedule.event, schedule.revision


def _write_if_unchanged(db: Database, revision: int, write: Callable[..., int], value) -> int:
    """Write only if nobody changed the schedule since it was checked; 0 means retry."""
    with db.atomic():
        if store.schedule_revision(db) != revision:
            return 0
        return write(db, value)


def current_event(request: web.Request) -> Event:
    event, _ = snapshot(request)
    if event is None:
        raise back(request, "/editor/upload", err=NO_EVENT)
    return event


async def _apply(
    request: web.Request, check: Callable[[Event], Checked[T]], write: Callable[..., int]
) -> tuple[Checked[T], Event | None]:
    """Check against the current event and write in that same revision, retrying a race.

    The check (and the injected slot lock) runs on the event loop, the write on the
    store's thread; the revision compare makes the pair behave as one step. After the
    write, or when the database moved on without us, the feed reads the schedule again
    and tells everyone who follows it.
    """
    the_store, feed = request.config_dict[STORE], request.config_dict[SCHEDULE]
    for _ in range(3):
        event, revision = snapshot(request)
        if event is None:
            return Checked(errors={FORM_LEVEL: NO_EVENT}), None
        checked = check(event)
        if not checked.ok:
            return checked, event
        new_revision = await the_store.run(_write_if_unchanged, revision, write, checked.value)
        await feed.reload()
        if new_revision:
            return replace(checked, revision=new_revision), event
    return Checked(errors={FORM_LEVEL: BUSY}, conflict=True), None


async def save_slot(
    request: web.Request, slot_id: str | None, make_form: FormMaker
) -> tuple[Checked[Slot], Event | None]:
    """Add (``slot_id`` None) or change a slot with the form ``make_form`` builds from it."""
    now, lock = request.config_dict[CLOCK].now(), request.config_dict[SLOT_LOCK]

    def check(event: Event) -> Checked[Slot]:
        original = _find(event.slots, "id", slot_id, "Slot")
        form = make_form(original, event.tz)
        return editing.check_slot(form, event, now, lock, original)

    return await _apply(request, check, store.upsert_slot)


async def delete_slot(request: web.Request, slot_id: str) -> tuple[Checked[str], Event | None]:
    now, lock = request.config_dict[CLOCK].now(), request.config_dict[SLOT_LOCK]

    def check(event: Event) -> Checked[str]:
        message = lock(_find(event.slots, "id", slot_id, "Slot"), now)
        if message:
            return Checked(errors={FORM_LEVEL: message}, conflict=True)
        return Checked(value=slot_id)

    return await _apply(request, check, store.delete_slot)


# --- pages ----------------------------------------------------------------------------


def page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """Render an editor page with the (signed) messages of the redirect that led here."""
    return render(request, template, status=status, flash=flash.read(request), **context)


back = flash.redirect


def _joined(messages: Mapping[str, str]) -> str:
    return " ".join(messages.values())


async def schedule_page(request: web.Request) -> web.Response:
    """Show every slot by channel and local day, with vendors and featured products."""
    event, revision = snapshot(request)
    if event is None:
        return page(request, "editor_schedule.html", event=None, revision=revision)
    now, lock = request.config_dict[CLOCK].now(), request.config_dict[SLOT_LOCK]
    channel = request.query.get("kanal") or None
    locks = {s.id: message for s in event.slots if (message := lock(s, now))}
    response = page(
        request,
        "editor_schedule.html",
        event=event,
        revision=revision,
        channel=channel,
        channels=schedule_view.schedule_view(event, locks, channel),
    )
    response.enable_compression()  # a big event's page is ~0.6 MB of HTML; phones need less
    return response


async def slot_page(request: web.Request) -> web.Response:
    """Show the add/edit form for a slot, and save it (add, change, move)."""
    slot_id = request.match_info.get("slot_id")
    event = current_event(request)
    original = _find(event.slots, "id", slot_id, "Slot")
    lock = original and request.config_dict[SLOT_LOCK](original, request.config_dict[CLOCK].now())
    checked: Checked[Slot] = Checked(errors={FORM_LEVEL: lock} if lock else {})
    if request.method == "GET":
        values = editing.slot_form(original, event.tz) if original else request.query
    else:
        values = await read_form(request)
        checked, _ = await save_slot(request, slot_id, lambda _o, _tz: values)
        if checked.ok:
            raise back(
                request,
                "/editor",
                f"#slot-{checked.value.id}",
                ok="Slot disimpan (saved).",
                warn=_joined(checked.warnings),
            )
    return page(
        request,
        "editor_slot.html",
        status=checked.status if checked.errors else 200,
        event=event,
        slot=original,
        locked=bool(lock),
        errors=checked.errors,
        values=editing.clean(values, editing.SLOT_FIELDS),
        warnings=checked.warnings,
    )


async def slot_delete(request: web.Request) -> web.Response:
    """Delete a slot that has not aired yet."""
    slot_id = request.match_info["slot_id"]
    checked, _ = await delete_slot(request, slot_id)
    if checked.ok:
        raise back(request, "/editor", ok="Slot dihapus (deleted).")
    raise back(request, "/editor", f"#slot-{slot_id}", err=_joined(checked.errors))


async def slot_shift(request: web.Request) -> web.Response:
    """Move a slot earlier or later by a few minutes (the "geser" buttons)."""
    slot_id = request.match_info["slot_id"]
    minutes = editing.parse_minutes((await read_form(request)).get("minutes"))
    if minutes is None:
        raise back(request, "/editor", err=editing.MINUTES_HINT)
    checked, _ = await save_slot(
        request, slot_id, lambda original, tz: editing.shifted_form(original, tz, minutes)
    )
    if checked.ok:
        raise back(
            request,
            "/editor",
            f"#slot-{slot_id}",
            ok=f"Slot digeser {minutes:+d} menit.",
            warn=_joined(checked.warnings),
        )
    raise back(request, "/editor", f"#slot-{slot_id}", err=_joined(checked.errors))


async def vendor_list(request: web.Request) -> web.Response:
    """List vendors with their product counts."""
    event = current_event(request)
    counts: dict[str, int] = {}
    for product in event.products:
        counts[product.vendor_id] = counts.get(product.vendor_id, 0) + 1
    return page(request, "editor_vendors.html", event=event, counts=counts)


async def product_list(request: web.Request) -> web.Response:
    """List products, or one vendor's."""
    event = current_event(request)
    vendor_id = request.query.get("vendor", "")
    products = [p for p in event.products if not vendor_id or p.vendor_id == vendor_id]
    return page(
        request,
        "editor_products.html",
        event=event,
        products=products,
        vendors={v.id: v for v in event.vendors},
        vendor_id=vendor_id,
    )


async def vendor_page(request: web.Request) -> web.Response:
    """Show the add/edit form for a vendor, and save it."""
    vendor_id = request.match_info.get("vendor_id")
    event = current_event(request)
    original: Vendor | None = _find(event.vendors, "id", vendor_id, "Penjual")
    values: Mapping[str, object] = editing.vendor_form(original) if original else request.query
    checked: Checked[Vendor] = Checked()
    if request.method == "POST":
        values = await read_form(request)

        def check(ev: Event) -> Checked[Vendor]:
            return editing.check_vendor(values, ev, _find(ev.vendors, "id", vendor_id, "Penjual"))

        checked, _ = await _apply(request, check, store.upsert_vendor)
        if checked.ok:
            raise back(
                request,
                "/editor/vendors",
                f"#vendor-{checked.value.id}",
                ok=f"Penjual {checked.value.name} disimpan.",
            )
    products = [p for p in event.products if original and p.vendor_id == original.id]
    return page(
        request,
        "editor_vendor.html",
        status=checked.status if checked.errors else 200,
        event=event,
        vendor=original,
        errors=checked.errors,
        products=products,
        values=editing.clean(values, editing.VENDOR_FIELDS),
    )


async def product_page(request: web.Request) -> web.Response:
    """Show the add/edit form for a product, and save it."""
    code = request.match_info.get("code")
    event = current_event(request)
    original: Product | None = _find(event.products, "code", code, "Produk")
    values = editing.product_form(original) if original else request.query
    checked: Checked[Product] = Checked()
    if request.method == "POST":
        values = await read_form(request)
        change = await read_photo_change(request, values)

        def check(ev: Event) -> Checked[Product]:
            product = _find(ev.products, "code", code, "Produk")
            return with_photo(editing.check_product(values, ev, product), change)

        checked, _ = await _apply(request, check, store.upsert_product)
        if checked.ok:
            raise back(
                request,
                "/editor/products",
                f"#product-{checked.value.code}",
                ok=f"Produk {checked.value.code} disimpan.",
            )
    return page(
        request,
        "editor_product.html",
        status=checked.status if checked.errors else 200,
        event=event,
        product=original,
        photo=photo_preview(original),
        errors=checked.errors,
        values=editing.clean(values, editing.PRODUCT_FIELDS),
    )
