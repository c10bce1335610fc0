"""The vendor's desk in the app: parcels, every action, who may do what, and the buyer's page."""

from __future__ import annotations

import re

from kernel.keys import ORDER_DESK, PUBLISHER, STORE
from orchestrator.checkout.service import VENDOR_TOPIC
from orchestrator.platforms import resources
from orchestrator.sandbox.desk_pages import desk_feed, read_page
from tests.conftest import login
from tests.orchestrator.checkout.conftest import ADDRESS
from tests.orchestrator.fulfilment.conftest import PNG, act, buyer, desk_url
from tests.orchestrator.orders.helpers import chat
from tests.orchestrator.orders.test_pages import read_event


async def orders_of(client, author: str) -> dict[str, str]:
    def read(db):
        sql = "SELECT code, status FROM orders WHERE author_id = ? ORDER BY id"
        return dict(db.execute(sql, [author]).fetchall())

    return await client.app[STORE].run(read)


async def events_of(client, parcel_id: int) -> list[tuple]:
    def read(db):
        return db.execute("SELECT by, kind, status_from, status_to, note FROM parcel_events"
                          " WHERE parcel_id = ? ORDER BY id", [parcel_id]).fetchall()  # fmt: skip

    return await client.app[STORE].run(read)


async def test_desk_shows_the_paid_parcel_with_buyer_and_proof(client):
    """A paid parcel waits under 'to confirm' with items, totals, payment, proof and address."""
    b = await buyer(client, "a1", 1, proof=PNG)
    page = await (await client.get(desk_url(client))).text()
    card = page[page.index(f'id="paket-{b.parcel_id}"') :]
    assert 'id="kelompok-confirm"' in page
    assert "Budi Santoso" in card and "6281234567890" in card
    assert "Kabupaten Jember" in card and "68121" in card
    assert "Rp 80.000" in card and "Rp 8.000" in card and "Rp 88.000" in card
    assert "QRIS" in card
    proof = re.search(r'href="(/v/[^"]+/bukti/\d+)"', card)[1]
    resp = await client.get(proof)
    assert resp.status == 200 and resp.content_type == "image/png"
    assert await resp.read() == PNG
    assert resp.headers["Cache-Control"] == "no-store"


async def test_confirm_pack_ship_moves_orders_and_the_buyers_page(client):
    """Confirm, pack and ship move the parcel, its orders, the record and the buyer's page."""
    b = await buyer(client, "a1", 1)
    assert (await act(client, "v0", b.parcel_id, "confirm", "claimed")).status == 303
    assert await orders_of(client, "a1") == {"K01": "paid"}
    assert "sudah diterima penjual" in await (await b.browser.get("/bayar")).text()
    assert (await act(client, "v0", b.parcel_id, "pack", "paid")).status == 303
    resp = await act(client, "v0", b.parcel_id, "ship", "packed", courier="pos",
                     resi=" rr123456789id ")  # fmt: skip
    assert resp.status == 303
    assert await orders_of(client, "a1") == {"K01": "shipped"}
    page = await (await b.browser.get("/bayar")).text()
    assert "POS Indonesia" in page and "RR123456789ID" in page
    assert "https://www.posindonesia.co.id/id/tracking/RR123456789ID" in page
    kinds = [(e[0], e[1], e[2], e[3]) for e in await events_of(client, b.parcel_id)]
    assert kinds[-3:] == [("penjual v0", "confirm", "claimed", "paid"),
                          ("penjual v0", "pack", "paid", "packed"),
                          ("penjual v0", "ship", "packed", "shipped")]  # fmt: skip
    desk = await (await client.get(desk_url(client))).text()
    assert "tidak seperti resi" not in desk


async def test_an_odd_resi_is_a_warning_not_a_block(client):
    """A resi unlike the courier's usual shape ships anyway, with a warning on the desk."""
    b = await buyer(client, "a1", 1)
    await act(client, "v0", b.parcel_id, "confirm", "claimed")
    resp = await act(client, "v0", b.parcel_id, "ship", "paid", courier="jnt", resi="12AB")
    assert resp.status == 303
    desk = await (await client.get(desk_url(client))).text()
    assert "Nomor resi 12AB tidak seperti resi J&amp;T Express" in desk


async def test_reject_reopens_the_parcel_with_the_reason(client):
    """A rejected payment sends the claims back to unpaid with a hold; the buyer reads why."""
    b = await buyer(client, "a1", 1)
    resp = await act(client, "v0", b.parcel_id, "reject", "claimed",
                     reason="Transfer belum masuk <b>")  # fmt: skip
    assert resp.status == 303
    assert await orders_of(client, "a1") == {"K01": "new"}
    page = await (await b.browser.get("/bayar")).text()
    assert "Pembayaran ditolak penjual: Transfer belum masuk &lt;b&gt;" in page
    assert "Saya sudah bayar (QRIS)" in page  # they can pay again
    holds = await client.app[STORE].run(
        lambda db: db.execute("SELECT hold_until_utc FROM orders").fetchall())  # fmt: skip
    assert holds[0][0] is not None


async def test_a_reason_is_required_to_reject_or_cancel(client):
    """Rejecting or cancelling without a reason is refused and changes nothing."""
    b = await buyer(client, "a1", 1)
    for action in ("reject", "cancel"):
        resp = await act(client, "v0", b.parcel_id, action, "claimed", reason="  ")
        assert resp.status == 400
        assert "alasannya" in await resp.text()
    assert await orders_of(client, "a1") == {"K01": "confirmed"}


async def test_cancel_gives_the_stock_to_the_waiting_list(client):
    """Cancelling a paid parcel frees its units and the next buyer in claim order moves up."""
    first = await buyer(client, "a1", 1, order="K01 10")  # all ten in stock
    await client.app[ORDER_DESK].ingest([chat(20, "K01 3", "w1"), chat(21, "K01 1", "w2")])
    assert await orders_of(client, "w1") == {"K01": "waiting"}
    await act(client, "v0", first.parcel_id, "confirm", "claimed")
    resp = await act(client, "v0", first.parcel_id, "cancel", "paid", reason="Stok rusak")
    assert resp.status == 303
    assert await orders_of(client, "a1") == {"K01": "cancelled"}
    assert await orders_of(client, "w1") == {"K01": "new"}
    assert await orders_of(client, "w2") == {"K01": "new"}
    page = await (await first.browser.get("/bayar")).text()
    assert "dibatalkan" in page and "Stok rusak" in page


async def test_cancel_an_unpaid_parcel_records_its_claims(client):
    """An unpaid parcel can be cancelled too: its claims are cancelled and kept in it."""
    b = await buyer(client, "a1", 1, pay=None)
    resp = await act(client, "v0", b.parcel_id, "cancel", "unpaid", reason="Tidak jadi")
    assert resp.status == 303
    assert await orders_of(client, "a1") == {"K01": "cancelled"}
    page = await (await b.browser.get("/bayar")).text()
    assert page.count('class="card parcel') == 1 and "Tidak jadi" in page


async def test_a_quote_lets_a_buyer_abroad_pay(client):
    """Abroad, the parcel waits for the vendor's quote; once quoted the buyer sees the total."""
    abroad = {**ADDRESS, "country": "Malaysia", "street": "Jalan Ampang 1, Kuala Lumpur",
              "province": "", "regency": "", "district": "", "postal_code": ""}  # fmt: skip
    b = await buyer(client, "a1", 1, address=abroad, pay=None)
    page = await (await b.browser.get("/bayar")).text()
    assert "Saya sudah bayar" not in page and "penawaran penjual" in page
    desk = await (await client.get(desk_url(client))).text()
    assert "Tawarkan ongkir" in desk
    resp = await act(client, "v0", b.parcel_id, "quote", "unpaid", quote="Rp 150.000")
    assert resp.status == 303
    page = await (await b.browser.get("/bayar")).text()
    assert "Rp 230.000" in page and "Saya sudah bayar (QRIS)" in page
    assert (await act(client, "v0", b.parcel_id, "quote", "unpaid", quote="abc")).status == 400


async def test_no_quote_where_the_table_has_a_tariff(client):
    """A parcel the event's shipping table prices takes no quote from the vendor."""
    b = await buyer(client, "a1", 1, pay=None)
    desk = await (await client.get(desk_url(client))).text()
    assert "Tawarkan ongkir" not in desk
    resp = await act(client, "v0", b.parcel_id, "quote", "unpaid", quote="1000")
    assert resp.status == 409


async def test_a_stale_page_or_wrong_step_is_refused(client):
    """An action from a page showing an old status, or not allowed now, changes nothing."""
    b = await buyer(client, "a1", 1)
    assert (await act(client, "v0", b.parcel_id, "confirm", "claimed")).status == 303
    again = await act(client, "v0", b.parcel_id, "confirm", "claimed")
    assert again.status == 409 and "muat ulang" in await again.text()
    assert (await act(client, "v0", b.parcel_id, "delivered", "paid")).status == 409
    assert (await act(client, "v0", b.parcel_id, "dance", "paid")).status == 400
    confirms = [e for e in await events_of(client, b.parcel_id) if e[1] == "confirm"]
    assert len(confirms) == 1


ALL_ACTIONS = {
    "confirm": {}, "reject": {"reason": "x"}, "pack": {}, "delivered": {},
    "ship": {"courier": "jne", "resi": "CGK1234567890123"}, "quote": {"quote": "1000"},
    "cancel": {"reason": "x"},
}  # fmt: skip


async def test_another_vendor_can_neither_read_nor_change_a_parcel(client):
    """v1's link cannot see v0's parcel, its proof, or do any action to it (404, unchanged)."""
    b = await buyer(client, "a1", 1, proof=PNG)
    own = await (await client.get(desk_url(client, "v0"))).text()
    proof = re.search(r"/bukti/(\d+)", own)[1]
    other = await (await client.get(desk_url(client, "v1"))).text()
    assert "Budi Santoso" not in other and f"paket-{b.parcel_id}" not in other
    assert (await client.get(f"{desk_url(client, 'v1')}/bukti/{proof}")).status == 404
    labels = await (await client.get(f"{desk_url(client, 'v1')}/label?paket={b.parcel_id}")).text()
    assert "Budi Santoso" not in labels
    for status in ("unpaid", "claimed", "paid", "packed", "shipped"):
        for action, fields in ALL_ACTIONS.items():
            resp = await act(client, "v1", b.parcel_id, action, status, **fields)
            assert resp.status == 404, (action, status)
    assert [e[1] for e in await events_of(client, b.parcel_id)] == ["opened", "paid_claimed"]
    assert await orders_of(client, "a1") == {"K01": "confirmed"}


async def test_every_post_needs_the_token_and_our_origin(client):
    """Each action is refused without the page's CSRF token or from another site."""
    b = await buyer(client, "a1", 1)
    url = f"{desk_url(client)}/paket/{b.parcel_id}"
    token = re.search(r'name="csrf-token" content="([^"]+)"',
                      await (await client.get(desk_url(client))).text())[1]  # fmt: skip
    for action, fields in ALL_ACTIONS.items():
        data = {"status": "claimed", **fields}
        assert (await client.post(f"{url}/{action}", data=data)).status == 403
        bad = {**data, "csrf_token": "nope"}
        assert (await client.post(f"{url}/{action}", data=bad)).status == 403
        evil = {**data, "csrf_token": token}
        resp = await client.post(f"{url}/{action}", data=evil,
                                 headers={"Origin": "https://evil.example"})  # fmt: skip
        assert resp.status == 403
    assert await orders_of(client, "a1") == {"K01": "confirmed"}


async def test_buyer_text_is_escaped_on_the_desk_and_labels(client):
    """A buyer's name and street holding HTML show as text on the desk and the labels."""
    evil = {**ADDRESS, "name": "<img src=x onerror=alert(1)>"}
    b = await buyer(client, "a1", 1, address=evil)
    await act(client, "v0", b.parcel_id, "confirm", "claimed")
    for path in ("", "/label"):
        page = await (await client.get(desk_url(client) + path)).text()
        assert "<img src=x" not in page and "<script>alert" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


async def test_whatsapp_link_follows_the_state(client):
    """The WhatsApp button pre-fills the message of the parcel's state, to the buyer."""
    b = await buyer(client, "a1", 1)
    await act(client, "v0", b.parcel_id, "confirm", "claimed")
    desk = await (await client.get(desk_url(client))).text()
    link = re.search(r'href="(https://wa\.me/[^"]+)"', desk)[1]
    assert link.startswith("https://wa.me/6281234567890?text=")
    assert "sudah%20kami%20terima" in link and "Rp%2088.000" in link


async def test_labels_print_one_per_parcel_to_ship(client):
    """The labels page has one A6 label per paid or packed parcel, with recipient and items."""
    first = await buyer(client, "a1", 1)
    second = await buyer(client, "a2", 10, order="K01 1")
    await buyer(client, "a3", 20, order="K01 1")  # not confirmed: no label
    for b in (first, second):
        await act(client, "v0", b.parcel_id, "confirm", "claimed")
    resp = await client.get(f"{desk_url(client)}/label")
    page = await resp.text()
    assert resp.status == 200 and "form-action 'self'" in resp.headers["Content-Security-Policy"]
    assert page.count('class="label"') == 2
    assert "Budi Santoso" in page and "Kopi 0" in page and "Berat 0,8 kg" in page


async def test_revoke_and_reissue_a_vendors_link(client):
    """The organiser reissues a link: the old one shows nothing, the new one works; not hosts."""
    old = desk_url(client)
    csrf = await login(client, "host")
    resp = await client.post("/orders/vendor-links/v0/reissue", data={"csrf_token": csrf})
    assert resp.status == 403
    csrf = await login(client, "organiser")
    resp = await client.post("/orders/vendor-links/v0/reissue", data={"csrf_token": csrf},
                             allow_redirects=False)  # fmt: skip
    assert resp.status == 303
    new = desk_url(client)
    assert new != old
    assert (await client.get(old)).status == 404
    assert (await client.get(old + "/label")).status == 404
    assert (await client.get(new)).status == 200
    assert new in await (await client.get("/orders")).text()


async def test_receipts_for_organisers_not_hosts(client):
    """Organisers open any receipt photo; hosts do not; nobody without a login."""
    await buyer(client, "a1", 1, proof=PNG)
    assert (await client.get("/orders/bukti/1", allow_redirects=False)).status in (302, 401)
    await login(client, "host")
    assert (await client.get("/orders/bukti/1")).status == 403
    await login(client, "organiser")
    resp = await client.get("/orders/bukti/1")
    assert resp.status == 200 and await resp.read() == PNG


async def test_the_desk_shows_the_vendors_slot_and_zoom_link(client):
    """The desk names the vendor's slot with a countdown and the day's Zoom join link,
    which no viewer's page carries."""
    join = "https://zoom.example/j/123?pwd=<x>"

    def store_meeting(db):
        resources.migrate(db)
        resources.save(db, resources.Resources("real", "utama", "2027-02-15", meeting_id="123",
                                               join_url=join))  # fmt: skip

    before = await (await client.get(desk_url(client, "v1"))).text()
    assert "Giliran tayang Anda" in before and "15:40 WIB–15:50 WIB" in before
    assert "Tautan Zoom muncul di sini" in before
    await client.app[STORE].run(store_meeting)
    page = await (await client.get(desk_url(client, "v1"))).text()
    assert 'href="https://zoom.example/j/123?pwd=&lt;x&gt;"' in page
    assert 'data-start="2027-02-15T08:40:00+00:00"' in page
    on_air = await (await client.get(desk_url(client, "v0"))).text()
    assert "Anda sedang tayang" in on_air
    for public in ("/bayar", "/o/K01", "/o/K02"):
        assert "zoom.example" not in await (await client.get(public)).text()


async def test_the_desk_feed_moves_when_its_buyer_pays(client):
    """The desk's live feed sends the parcels again when one of its buyers pays; a buyer of
    another vendor paying sends v0's desk nothing new."""
    await buyer(client, "a9", 40, order="K02 1")  # v1's buyer, before the feed opens
    resp = await client.get(desk_url(client) + "/paket/events?kelompok=confirm")
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    first = await read_event(resp)
    assert first["total"] == 0 and "Budi Santoso" not in first["html"]
    await buyer(client, "a2", 50, order="K02 1")  # v1 again: not v0's business
    await buyer(client, "a1", 1)
    moved = await read_event(resp)
    assert moved["total"] == 1 and "Budi Santoso" in moved["html"]
    assert "Konfirmasi pembayaran" in moved["html"]
    resp.close()


async def test_an_open_desk_goes_blank_when_its_link_is_reissued(client):
    """A desk still open on a revoked link gets no more parcels, only word to reload."""
    await buyer(client, "a1", 1)
    resp = await client.get(desk_url(client) + "/paket/events")
    assert "Budi Santoso" in (await read_event(resp))["html"]
    csrf = await login(client, "organiser")
    await client.post("/orders/vendor-links/v0/reissue", data={"csrf_token": csrf})
    after = await read_event(resp)
    assert after == {"html": "", "total": 0, "revoked": True}
    resp.close()


async def test_a_new_destination_voids_the_quote(client):
    """A buyer abroad who moves the parcel to another country after the quote waits for a
    new one (the old price is gone everywhere); a new street at home keeps the tariff."""
    abroad = {**ADDRESS, "country": "Malaysia", "street": "Jalan Ampang 1, Kuala Lumpur",
              "province": "", "regency": "", "district": "", "postal_code": ""}  # fmt: skip
    b = await buyer(client, "a1", 1, address=abroad, pay=None)
    assert (await act(client, "v0", b.parcel_id, "quote", "unpaid", quote="150000")).status == 303
    assert "Rp 230.000" in await (await b.browser.get("/bayar")).text()
    moved = {**abroad, "country": "Singapura", "street": "1 Orchard Road, Singapore",
             "csrf_token": b.csrf}  # fmt: skip
    assert (await b.browser.post("/bayar/data", data=moved, allow_redirects=False)).status == 303
    page = await (await b.browser.get("/bayar")).text()
    assert "Rp 230.000" not in page and "penawaran penjual" in page
    assert "Saya sudah bayar" not in page
    assert "Tawarkan ongkir" in await (await client.get(desk_url(client))).text()
    kinds = [e[1] for e in await events_of(client, b.parcel_id)]
    assert "destination" in kinds

    home = await buyer(client, "a2", 3, pay=None)  # Jember, priced by the table
    before = await (await home.browser.get("/bayar")).text()
    assert "Rp 88.000" in before
    street = {**ADDRESS, "street": "Jl. Kalimantan 99", "csrf_token": home.csrf}
    assert (
        await home.browser.post("/bayar/data", data=street, allow_redirects=False)
    ).status == 303
    assert "Rp 88.000" in await (await home.browser.get("/bayar")).text()
    assert "destination" not in [e[1] for e in await events_of(client, home.parcel_id)]


async def test_a_simulated_vendor_finds_the_desks_own_feed_on_the_page(client):
    """The stdlib reader of the simulated vendors reads the desk's feed off the real page:
    the parcels' feed, not the orders list's (which moves on every order)."""
    url = desk_url(client)
    page = await (await client.get(url)).text()
    feed = desk_feed(page)
    assert feed.startswith(url + "/paket/events?")
    resp = await client.get(feed)
    assert resp.status == 200 and "total" in await read_event(resp)
    resp.close()


async def test_a_simulated_vendor_reads_the_real_desks_counts(client):
    """The counts a simulated vendor glances at are the desk's: one paid parcel to confirm."""
    await buyer(client, "a1", 1)
    await buyer(client, "a2", 10, order="K02 1")  # v1's: not on v0's desk
    page = read_page(await (await client.get(desk_url(client))).text())
    assert page.counts["confirm"] == 1 and page.counts["pack"] == page.counts["ship"] == 0
    assert [f.action for f in page.forms if f.action == "confirm"] == ["confirm"]


async def test_an_open_desk_queues_none_of_the_markets_other_news(client):
    """A desk's live feed holds no message of other vendors or topics in its queue: behind
    a market's chat orders its own news waited for days (the 600x rehearsal)."""
    publisher = client.app[PUBLISHER]
    resp = await client.get(desk_url(client) + "/paket/events")
    await read_event(resp)
    for i in range(5000):
        publisher.publish("orders", "utama", {"created": [i]})
        publisher.publish(VENDOR_TOPIC, "v1", None)  # another vendor's desk
    assert publisher.queued == 0
    await buyer(client, "a1", 1)
    assert (await read_event(resp))["total"] == 1
    resp.close()
