"""Zoom webhooks from the sandbox: Zoom's signature formula and a real delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from zoomus import ZoomClient

from orchestrator.sandbox import Sandbox, sign_zoom_webhook, url_validation_token
from tests.orchestrator.sandbox.helpers import Show

SECRET = "test_secret_token"
VECTOR_BODY = (
    '{"event":"meeting.chat_message_sent","payload":{"account_id":"acc","object":'
    '{"id":85746065432,"uuid":"abc==","chat_message":{"date_time":"2024-01-01T00:00:00Z",'
    '"message_content":"ORDER 2 kripik","message_id":"m1","sender_name":"Budi",'
    '"sender_session_id":"s1","sender_type":"participant","recipient_type":"everyone"}}},'
    '"event_ts":1700000000000}'
)


def test_signature_matches_api_notes_vector() -> None:
    """The signature of the API-NOTES example body is the documented one."""
    signature = sign_zoom_webhook(SECRET, "1700000000", VECTOR_BODY.encode())
    assert signature == "v0=af4a6237d67d0088601729f60ff3159acca2e94e4752673d854cfc54fe1d570e"
    assert sign_zoom_webhook(SECRET, 1700000000, VECTOR_BODY.encode()) == signature


def test_url_validation_matches_api_notes_vector() -> None:
    """The encryptedToken for the API-NOTES plainToken is the documented one."""
    expected = "4efea922935c335d972476de138d2208a0d46ab28c79ee592d497a1b216419b8"
    assert url_validation_token(SECRET, "qgg8vlvZRS6UYooatFL8Aw") == expected


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback webhook receiver that checks signatures as the service will."""
    seen: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        raw = await request.read()
        timestamp = request.headers["x-zm-request-timestamp"]
        good = sign_zoom_webhook(SECRET, timestamp, raw) == request.headers["x-zm-signature"]
        event = json.loads(raw)
        seen.append({"event": event, "signed": good, "timestamp": timestamp})
        if event["event"] == "endpoint.url_validation":
            plain = event["payload"]["plainToken"]
            digest = hmac.new(SECRET.encode(), plain.encode(), hashlib.sha256).hexdigest()
            return web.json_response({"plainToken": plain, "encryptedToken": digest})
        return web.Response(status=200 if good else 401)

    app = web.Application()
    app.router.add_post("/zoom/webhook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/zoom/webhook", seen
    await runner.cleanup()


async def test_chat_webhook_is_signed_and_shaped(
    sandbox: Sandbox, zoom: ZoomClient, prepare_show: Any, receiver: Any
) -> None:
    """A chat message webhook arrives signed, with Zoom's payload fields."""
    url, seen = receiver
    show: Show = await prepare_show()
    sandbox.configure_zoom_webhook(url, SECRET)
    delivery = await sandbox.send_zoom_chat(show.meeting_id, "K01 2", sender_name="Siti")
    assert delivery.status == 200 and seen[0]["signed"]
    assert seen[0]["timestamp"] == str(int(sandbox.state.clock.now().timestamp()))
    payload = seen[0]["event"]["payload"]["object"]
    message = payload["chat_message"]
    assert seen[0]["event"]["event"] == "meeting.chat_message_sent"
    assert payload["id"] == show.meeting_id
    assert message["message_content"] == "K01 2" and message["sender_name"] == "Siti"
    assert message["recipient_type"] == "everyone" and message["message_id"]
    assert sandbox.state.zoom.webhooks == [delivery]


async def test_url_validation_round_trip(sandbox: Sandbox, receiver: Any) -> None:
    """The sandbox sends Zoom's URL challenge and accepts a correct answer."""
    url, seen = receiver
    sandbox.configure_zoom_webhook(url, SECRET)
    assert await sandbox.validate_zoom_webhook()
    sandbox.configure_zoom_webhook(url, "another secret")
    assert not await sandbox.validate_zoom_webhook()
    assert seen[0]["event"]["event"] == "endpoint.url_validation"
