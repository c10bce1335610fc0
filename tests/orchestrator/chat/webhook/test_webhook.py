"""``POST /webhooks/zoom``: signatures, the URL check, public chat into orders."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from aiohttp import FormData

from kernel.keys import ORDER_DESK, STORE
from orchestrator.app import create_app
from orchestrator.chat.webhook import encrypted_token, signature, verify
from orchestrator.orders import store as order_store
from schedules.export import export_yaml
from tests.conftest import login
from tests.orchestrator.helpers import T0, save
from tests.orchestrator.orders.helpers import SECRET, signed, zoom_event

NOTES_SECRET = "test_secret_token"
NOTES_BODY = (
    b'{"event":"meeting.chat_message_sent","payload":{"account_id":"acc","object":{"id":'
    b'85746065432,"uuid":"abc==","chat_message":{"date_time":"2024-01-01T00:00:00Z",'
    b'"message_content":"ORDER 2 kripik","message_id":"m1","sender_name":"Budi",'
    b'"sender_session_id":"s1","sender_type":"participant","recipient_type":"everyone"}}},'
    b'"event_ts":1700000000000}'
)


def test_api_notes_vectors():
    """The URL-check token and the signature match the vectors in API-NOTES.md."""
    assert (
        encrypted_token(NOTES_SECRET, "qgg8vlvZRS6UYooatFL8Aw")
        == "4efea922935c335d972476de138d2208a0d46ab28c79ee592d497a1b216419b8"
    )
    expected = "v0=af4a6237d67d0088601729f60ff3159acca2e94e4752673d854cfc54fe1d570e"
    assert signature(NOTES_SECRET, "1700000000", NOTES_BODY) == expected
    headers = {"x-zm-request-timestamp": "1700000000", "x-zm-signature": expected}
    assert verify(NOTES_SECRET, headers, NOTES_BODY, now=1700000000 + 299) is None
    assert verify(NOTES_SECRET, headers, NOTES_BODY, now=1700000000 + 301) is not None


async def test_url_validation_answers_with_the_encrypted_token(client):
    """A signed ``endpoint.url_validation`` gets its plainToken back with the HMAC."""
    event = {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZ"}}
    body, headers = signed(event)
    resp = await client.post("/webhooks/zoom", data=body, headers=headers)
    assert resp.status == 200
    assert await resp.json() == {
        "plainToken": "qgg8vlvZ",
        "encryptedToken": encrypted_token(SECRET, "qgg8vlvZ"),
    }


async def test_chat_message_becomes_an_order(client):
    """A public Zoom chat message in the channel's meeting makes an order on that channel."""
    body, headers = signed(zoom_event("z1", "mau K01 2 kak", sender="Sari Dewi"))
    resp = await client.post("/webhooks/zoom", data=body, headers=headers)
    assert resp.status == 200, await resp.text()
    (order_id,) = (await resp.json())["orders"]
    (order,) = await client.app[STORE].run(order_store.fetch_orders, [order_id])
    assert (order.platform, order.channel, order.slot_id) == ("zoom", "utama", "utama-0")
    assert (order.author_id, order.author_name, order.message_id) == (
        "s-Sari Dewi",
        "Sari Dewi",
        "z1",
    )
    assert (order.code, order.qty, order.created_at) == ("K01", 2, T0 + timedelta(minutes=1))


async def test_replayed_message_makes_no_new_order(client):
    """Zoom sending the same message again answers 200 and adds no order."""
    body, headers = signed(zoom_event("z1", "K01 2"))
    first = await (await client.post("/webhooks/zoom", data=body, headers=headers)).json()
    body, headers = signed(zoom_event("z1", "K01 2"))
    again = await (await client.post("/webhooks/zoom", data=body, headers=headers)).json()
    assert (len(first["orders"]), again["orders"], again["duplicate"]) == (1, [], True)


async def test_bad_signature_is_refused(client):
    """A body changed after signing is refused with 401 and stores nothing."""
    body, headers = signed(zoom_event("z1", "K01 2"))
    resp = await client.post(
        "/webhooks/zoom", data=body.replace(b"K01 2", b"K01 9"), headers=headers
    )
    assert resp.status == 401
    assert (await client.app[ORDER_DESK].ingest([])).new_messages == 0


async def test_wrong_secret_and_missing_headers_are_refused(client):
    """A request signed with another secret, or not signed at all, gets 401."""
    body, headers = signed(zoom_event("z1", "K01"), secret="not-the-secret")
    assert (await client.post("/webhooks/zoom", data=body, headers=headers)).status == 401
    assert (await client.post("/webhooks/zoom", data=body)).status == 401


async def test_stale_timestamp_is_refused(client):
    """A correctly signed request older (or newer) than five minutes gets 401."""
    for skew in (-301, 301):
        body, headers = signed(zoom_event("z1", "K01"), timestamp=int(time.time()) + skew)
        resp = await client.post("/webhooks/zoom", data=body, headers=headers)
        assert resp.status == 401
        assert "5 minutes" in (await resp.json())["error"]


async def test_message_not_to_everyone_is_ignored(client):
    """A private chat message answers 200 and makes no order."""
    event = zoom_event("z1", "K01 2", recipient_type="host")
    body, headers = signed(event)
    resp = await client.post("/webhooks/zoom", data=body, headers=headers)
    assert resp.status == 200 and (await resp.json())["status"] == "ignored"


async def test_other_events_and_unknown_meetings_are_ignored(client):
    """Other event types, and chat from a meeting no channel has, answer 200 and do nothing."""
    body, headers = signed({"event": "meeting.started", "payload": {}})
    resp = await client.post("/webhooks/zoom", data=body, headers=headers)
    assert (await resp.json())["status"] == "ignored"
    event = zoom_event("z2", "K01")
    event["payload"]["object"]["id"] = 111
    body, headers = signed(event)
    resp = await client.post("/webhooks/zoom", data=body, headers=headers)
    assert (await resp.json())["reason"] == "unknown meeting"


async def test_runtime_meeting_mapping_is_used(client):
    """A meeting the platform side registered in ``desk.zoom_meetings`` feeds its channel."""
    client.app[ORDER_DESK].zoom_meetings["999"] = "utama"
    event = zoom_event("z3", "K02")
    event["payload"]["object"]["id"] = 999
    body, headers = signed(event)
    resp = await client.post("/webhooks/zoom", data=body, headers=headers)
    assert len((await resp.json())["orders"]) == 1


async def test_not_json_is_a_bad_request(client):
    """A signed body that is not JSON answers 400."""
    body, headers = signed(b"not json")
    assert (await client.post("/webhooks/zoom", data=body, headers=headers)).status == 400


async def test_no_secret_means_disabled(aiohttp_client, settings, event):
    """Without a webhook secret the endpoint answers 503 and says how to switch it on."""
    save(settings.db, event)
    client = await aiohttp_client(create_app(replace(settings, zoom_webhook_secret="")))
    body, headers = signed(zoom_event("z1", "K01"))
    resp = await client.post("/webhooks/zoom", data=body, headers=headers)
    assert resp.status == 503
    assert "PASAR_ZOOM_WEBHOOK_SECRET" in json.loads(await resp.text())["error"]


async def test_oversized_body_is_refused(client):
    """A body over the webhook's size limit is refused with 413 before any checking."""
    body, headers = signed(b"{" + b" " * (300 * 1024) + b"}")
    assert (await client.post("/webhooks/zoom", data=body, headers=headers)).status == 413


async def test_non_ascii_signature_is_refused_not_a_crash(client):
    """A signature header with non-ASCII bytes gets 401, never a 500."""
    body, headers = signed(zoom_event("z1", "K01"))
    headers["x-zm-signature"] = "v0=\u00e9\u00e9".encode().decode("latin-1")
    resp = await client.post("/webhooks/zoom", data=body, headers=headers)
    assert resp.status == 401


@pytest.mark.parametrize(
    "zoom_event_body",
    [
        {"event": "meeting.chat_message_sent", "payload": "not an object"},
        {"event": "meeting.chat_message_sent", "payload": {"object": ["x"]}},
        {"event": "meeting.chat_message_sent", "payload": {"object": {"id": 1, "chat_message": 5}}},
        {"event": "endpoint.url_validation", "payload": "x"},
    ],
)
async def test_oddly_shaped_payloads_are_answered(client, zoom_event_body):
    """A signed event whose payload is a string, list or number is answered, never a 500."""
    body, headers = signed(zoom_event_body)
    resp = await client.post("/webhooks/zoom", data=body, headers=headers)
    assert resp.status == 200


async def test_a_chunked_body_over_the_limit_is_refused_early(client):
    """A body without Content-Length is read only up to the limit, then refused with 413."""
    sent = []

    async def chunks():
        for _ in range(64):  # 4 MiB offered, 256 KB allowed
            sent.append(1)
            yield b" " * 65536

    headers = {"Content-Type": "application/json", "x-zm-signature": "v0=x",
               "x-zm-request-timestamp": str(int(time.time()))}  # fmt: skip
    resp = await client.post("/webhooks/zoom", data=chunks(), headers=headers)
    assert resp.status == 413


async def test_a_meeting_uploaded_in_the_event_file_is_known_at_once(client, event):
    """Right after an upload names a new meeting, its chat feeds the channel (no ~80 s wait)."""
    csrf = await login(client, "organiser")
    changed = replace(event, channels=[replace(event.channels[0], zoom_meeting_id="5550001")])
    form = FormData()
    form.add_field("csrf_token", csrf)
    form.add_field("files", export_yaml(changed).encode(), filename="acara.yaml")
    form.add_field("confirm", "1")
    resp = await client.post("/editor/upload", data=form)
    assert resp.status == 200, await resp.text()
    message = zoom_event("z-new", "K01 1")
    message["payload"]["object"]["id"] = 5550001
    body, headers = signed(message)
    answer = await (await client.post("/webhooks/zoom", data=body, headers=headers)).json()
    assert answer["status"] == "ok" and len(answer["orders"]) == 1
