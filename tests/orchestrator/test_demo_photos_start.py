"""The demo's first start answers at once; the example's photos follow in the background."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest

from kernel.keys import SCHEDULE
from orchestrator.app import create_app


@pytest.mark.slow
async def test_the_service_answers_before_the_example_photos_are_made(
    aiohttp_client, settings
) -> None:
    """/healthz and /o/K01 (with its tile) answer before any photo exists; the photos then
    arrive as a new schedule revision, and /healthz never waited long meanwhile."""
    client = await aiohttp_client(create_app(replace(settings, demo_photos=True)))
    feed = client.server.app[SCHEDULE]
    first = feed.current().revision
    assert (await client.get("/healthz")).status == 200
    page = await (await client.get("/o/K01")).text()
    # 212 photos take seconds; their ids are stored together when the last is made.
    assert feed.current().revision == first
    assert "/foto/" not in page and "photo-tile" in page
    assert not any(p.photo_id for p in feed.current().event.products)
    slowest, started = 0.0, time.monotonic()
    deadline = started + 180
    while feed.current().revision == first:  # poll with a deadline, through /healthz
        assert time.monotonic() < deadline, "the example photos never arrived"
        began = time.perf_counter()
        assert (await client.get("/healthz")).status == 200
        slowest = max(slowest, time.perf_counter() - began)
    # A blocked loop would hold /healthz for the whole making; allow a busy machine's jitter.
    making = time.monotonic() - started
    assert slowest < max(1.0, making / 4), f"/healthz waited {slowest:.2f} of {making:.1f} s"
    page = await (await client.get("/o/K01")).text()
    photo = re.search(r'src="(/foto/[0-9a-f]{16}-phone\.webp)"', page)
    assert photo and (await client.get(photo[1])).status == 200
    assert all(p.photo_id for p in feed.current().event.products)
