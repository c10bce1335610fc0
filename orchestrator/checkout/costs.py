"""What the courier costs one parcel of one buyer: the event's tariffs, pickup, abroad. Pure."""

from __future__ import annotations

from orchestrator.checkout.model import PICKUP, Details, ShippingCost
from schedules.model import Event
from schedules.shipping import quote

QUOTE_NOTE = "ongkir menunggu penawaran penjual"


def shipping_cost(
    event: Event | None, details: Details, vendor_id: str, weight_g: int
) -> ShippingCost:
    """The shipping of a parcel: free pickup where the vendor allows it, the tariff for the
    buyer's regency or province, else (abroad, no row) None until the vendor quotes."""
    vendor = event.vendor(vendor_id) if event else None
    if details.delivery == PICKUP:
        if vendor is not None and vendor.pickup:
            town = event.pickup_town if event else ""
            return ShippingCost(0, destination=town, note=f"ambil sendiri di {town}")
        return ShippingCost(None, note="penjual ini tidak melayani ambil sendiri; pilih kurir")
    if details.abroad or event is None:
        return ShippingCost(None, destination=details.country, note=QUOTE_NOTE)
    if not (details.province and details.regency):
        return ShippingCost(None, note="isi alamat untuk menghitung ongkir")
    found = quote(event.shipping, details.province, details.regency, max(weight_g, 1))
    if found is None:
        return ShippingCost(None, destination=details.regency, note=QUOTE_NOTE)
    return ShippingCost(found.cost_idr, found.days, found.destination)
