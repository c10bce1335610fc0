"""Simulated vendors at work: over real HTTP against the running service, on the clock.

Each vendor is a browser of its own that opens its desk and follows the live feed the
page names (its ``data-events``, as the page's script does: no polling); after a change it waits
its seeded delay on the clock, then opens each group of the desk and posts every action
it means to do with the page's CSRF token and our Origin, as a browser does. The
decisions are ``vendors``; this module only waits on the clock and talks HTTP.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping

import aiohttp

from . import vendors
from .desk_pages import DeskForm, DeskPage, desk_feed, read_page
from .vendors import VendorRecord

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=30)
# The desk's groups that hold work, and the action done in each.
GROUPS = (("confirm", vendors.CONFIRM), ("pack", vendors.PACK), ("ship", vendors.SHIP),
          ("waiting", vendors.QUOTE))  # fmt: skip
MAX_ROUNDS = 50  # pages of one group a visit works through (a page shows 20 or so)


class VendorDesks:
    """The simulated vendors of one service: one task per vendor link."""

    def __init__(self, clock, base_url: str, links: Mapping[str, str], seed: int) -> None:
        self.clock = clock
        self.base_url = base_url.rstrip("/")
        self.records: list[VendorRecord] = []
        self._tasks: set[asyncio.Task[None]] = set()
        for vendor_id, token in sorted(links.items()):
            rng = random.Random(f"{seed}:vendor:{vendor_id}")
            record = VendorRecord(vendor_id, vendors.work_delay(rng))
            self.records.append(record)
            task = asyncio.ensure_future(self._run(record, token, rng))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Stop every vendor (what they did stays recorded)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run(self, record: VendorRecord, token: str, rng: random.Random) -> None:
        changed = asyncio.Event()
        headers = {"Origin": self.base_url, "User-Agent": "pasar-sandbox-vendor"}
        async with aiohttp.ClientSession(self.base_url, headers=headers, timeout=TIMEOUT) as http:
            follower = asyncio.ensure_future(self._follow(http, token, changed, record))
            try:
                while True:
                    await changed.wait()
                    changed.clear()
                    await self.clock.sleep(record.delay.total_seconds())
                    try:
                        await self._work(http, token, record, rng)
                    except (aiohttp.ClientError, TimeoutError) as error:
                        record.errors.append(f"{type(error).__name__}: {error}")
            finally:
                follower.cancel()
                await asyncio.gather(follower, return_exceptions=True)

    @staticmethod
    async def _follow(
        http: aiohttp.ClientSession, token: str, changed: asyncio.Event, record: VendorRecord
    ) -> None:
        """Read the desk's Server-Sent Events; each update says the desk changed.

        The feed is the one the desk page names: the vendor's orders list has a feed of
        its own, which a desk never follows.
        """
        while True:
            try:
                async with http.get(f"/v/{token}") as page:
                    page.raise_for_status()
                    feed = desk_feed(await page.text())
                if not feed:
                    record.errors.append("feed: the desk names no live feed")
                    return
                async with http.get(feed, timeout=aiohttp.ClientTimeout()) as r:
                    r.raise_for_status()
                    async for line in r.content:
                        if line.startswith(b"data:"):
                            changed.set()
            except Exception as error:  # any end of the feed goes in the record
                # A vendor whose feed ended stops working their desk: the record says why,
                # and the rehearsal's "paid, not shipped" check fails the run.
                record.errors.append(f"feed: {type(error).__name__}: {error}")
                return

    async def _work(
        self, http: aiohttp.ClientSession, token: str, record: VendorRecord, rng: random.Random
    ) -> None:
        """Open the desk, then each group its counts say has work; act on every parcel there.

        A glance at the counts first, as a person does: most visits find nothing to do,
        and each page drawn costs the service queries and a render.
        """
        counts = (await self._open(http, token, "")).counts
        for group, action in GROUPS:
            tried: set[int] = set()
            for _ in range(MAX_ROUNDS):
                if not counts.get(group):
                    break
                page = await self._open(http, token, group)
                counts = page.counts
                forms = [f for f in page.forms if f.action == action and f.parcel_id not in tried]
                if not forms:
                    break
                for form in forms:
                    tried.add(form.parcel_id)
                    await self._act(http, form, record, rng)

    @staticmethod
    async def _open(http: aiohttp.ClientSession, token: str, group: str) -> DeskPage:
        params = {"kelompok": group} if group else None
        async with http.get(f"/v/{token}", params=params) as response:
            response.raise_for_status()
            return read_page(await response.text())

    async def _act(
        self, http: aiohttp.ClientSession, form: DeskForm, record: VendorRecord,
        rng: random.Random,
    ) -> None:  # fmt: skip
        typed = vendors.fields_for(form.action, rng, form.options.get("courier", []))
        if typed is None:
            return
        post = asyncio.ensure_future(self._post(http, form.action_url, {**form.fields, **typed}))
        try:
            status = await asyncio.shield(post)
        except asyncio.CancelledError:
            # Stopped mid-post: the service may have done it already; hear its answer so
            # the record says what the database holds, then stop.
            _answered(record, form, await post)
            raise
        _answered(record, form, status)

    @staticmethod
    async def _post(http: aiohttp.ClientSession, url: str, form: dict[str, str]) -> int:
        async with http.post(url, data=form, allow_redirects=False) as response:
            await response.read()
            return response.status


def _answered(record: VendorRecord, form: DeskForm, status: int) -> None:
    """Record the desk's answer to one action: 303 done, 409 someone moved first."""
    if status == 303:
        record.done[form.action] += 1
    elif status == 409:
        record.refused += 1
    else:
        record.errors.append(f"{form.action} paket {form.parcel_id}: {status}")
