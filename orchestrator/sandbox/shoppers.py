"""Simulated buyers at work: over real HTTP against the running service, on the clock.

Each buyer is a browser of its own (an aiohttp session with its own cookie jar) that
sends the page's CSRF token and our Origin as a browser does. A chat buyer opens
``/bayar``, reads its ``BAYAR`` code and types it in the sandbox chat as the viewer who
claimed (through the sandbox's state, as the audience types), waits until the page says
it is bound, then fills an address from the choices the page offers and pays each parcel
(the sandbox "bank" records method and amount) and presses "Saya sudah bayar"; or never
pays. A link buyer orders one code through ``/bayar/pesan/<code>`` instead of the chat.
The decisions are ``buyers``; this module only waits on the clock and talks HTTP.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import aiohttp

from . import buyers
from .audience import FIRST_NAMES, LAST_NAMES, Audience, SentMessage
from .buyers import CHAT, LINK, BuyerRecord, Payment
from .checkout_pages import CheckoutPage, ParcelOnPage, read_page
from .errors import SandboxError
from .state import SandboxState

log = logging.getLogger(__name__)

BIND_WAIT = timedelta(minutes=10)  # how long a buyer waits for the chat to be read
CATCH_UP = timedelta(minutes=5)  # woken later than this: the clock skipped hours
HOME_PROVINCE = "Jawa Timur"  # the audience is mostly from around Jember
HOME_SHARE = 0.7
TIMEOUT = aiohttp.ClientTimeout(total=30)


class Shoppers:
    """The buyers who come out of one audience: who they are, and their tasks."""

    def __init__(
        self, state: SandboxState, audience: Audience, base_url: str, share: float, seed: int
    ) -> None:
        self.state, self.audience = state, audience
        self.base_url = base_url.rstrip("/")
        self.share, self.seed = share, seed
        self.rng = random.Random(seed)
        self.buyers: list[BuyerRecord] = []
        self._seen: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopped = False
        audience.listeners.append(self._heard)

    @property
    def clock(self):
        return self.state.clock

    def _heard(self, sent: SentMessage) -> None:
        """A viewer typed something: a first claim may make a buyer, any claim a link buyer."""
        if self._stopped or sent.expected.get("kind") != "order" or not sent.expected["items"]:
            return
        author = sent.author_channel_id
        if author not in self._seen:
            self._seen.add(author)
            if buyers.is_buyer(self.rng, self.share):
                rng = random.Random(f"{self.seed}:{author}")
                record = BuyerRecord(CHAT, sent.display_name, buyers.choose_intent(rng),
                                     author_id=author, live_chat_id=sent.live_chat_id)  # fmt: skip
                self._start(record, rng)
        if buyers.makes_link_buyer(self.rng, self.share):
            rng = random.Random(f"{self.seed}:{sent.message_id}")
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            code = sent.expected["items"][0]["code"]
            self._start(BuyerRecord(LINK, name, buyers.choose_intent(rng), link_code=code), rng)

    def _start(self, record: BuyerRecord, rng: random.Random) -> None:
        self.buyers.append(record)
        at = self.clock.now() + record.intent.act_after
        task = asyncio.ensure_future(self._run(record, rng, at))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Make no more buyers and stop the ones at work (what they did stays recorded)."""
        self._stopped = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run(self, record: BuyerRecord, rng: random.Random, at: datetime) -> None:
        await self._wait_until(at, rng)
        try:
            async with self._browser() as http:
                if record.kind == CHAT:
                    ready = await self._bind(http, record)
                else:
                    ready = await self._order_by_link(http, record, rng)
                if ready:
                    await self._check_out(http, record, rng)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            record.errors.append(f"{type(error).__name__}: {error}")
        finally:
            record.outcome = buyers.outcome(record)

    async def _wait_until(self, at: datetime, rng: random.Random) -> None:
        """Sleep on the clock until ``at``; woken long after it (the clock skipped the night),
        come back at a moment of one's own rather than with every other buyer at once."""
        await self.clock.sleep_until(at)
        late = self.clock.now() - at
        if late > CATCH_UP:
            await self.clock.sleep(buyers.return_after(rng).total_seconds())

    @asynccontextmanager
    async def _browser(self) -> AsyncIterator[aiohttp.ClientSession]:
        """A browser of its own: its cookies, and the Origin our pages send their posts with."""
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1 too
        headers = {"Origin": self.base_url, "User-Agent": "pasar-sandbox-buyer"}
        async with aiohttp.ClientSession(
            self.base_url, cookie_jar=jar, headers=headers, timeout=TIMEOUT
        ) as http:
            yield http

    async def _page(self, http: aiohttp.ClientSession, path: str = "/bayar") -> CheckoutPage:
        async with http.get(path) as response:
            response.raise_for_status()
            return read_page(await response.text())

    async def _post(self, http: aiohttp.ClientSession, path: str, form: dict[str, Any]) -> int:
        """Post a form as the page's browser would; the answer's status (303 is done)."""
        async with http.post(path, data=form, allow_redirects=False) as response:
            await response.read()
            return response.status

    # -- the chat buyer's way in -------------------------------------------------------

    async def _bind(self, http: aiohttp.ClientSession, record: BuyerRecord) -> bool:
        """Read the code, type it in the chat as the viewer, wait until the page is bound."""
        page = await self._page(http)
        if page.code is None:
            record.errors.append("halaman tanpa kode BAYAR")
            return False
        try:
            self.state.add_chat_message(
                record.live_chat_id, f"BAYAR {page.code}",
                author_channel_id=record.author_id, display_name=record.name,
            )  # fmt: skip
        except SandboxError as error:  # the chat closed before the buyer got to it
            record.errors.append(f"chat: {error}")
            return False
        record.code_typed, record.messages = page.code, record.messages + 1
        record.bound = page.bound or await self._until_bound(http)
        return record.bound

    async def _until_bound(self, http: aiohttp.ClientSession) -> bool:
        """Follow the page's live feed, as its script does, until it says bound (or give up
        after ``BIND_WAIT`` on the clock): no polling, which at 600x would be a storm."""
        bound = asyncio.Event()
        follower = asyncio.ensure_future(self._follow(http, bound))
        try:
            await self.clock.sleep_until(self.clock.now() + BIND_WAIT, wake=bound)
        finally:
            follower.cancel()
            await asyncio.gather(follower, return_exceptions=True)
        return bound.is_set()

    @staticmethod
    async def _follow(http: aiohttp.ClientSession, bound: asyncio.Event) -> None:
        """Read ``/bayar/events`` (Server-Sent Events) until an update says ``bound``."""
        async with http.get("/bayar/events", timeout=aiohttp.ClientTimeout()) as response:
            response.raise_for_status()
            async for line in response.content:
                if line.startswith(b"data:") and json.loads(line[5:]).get("bound"):
                    bound.set()
                    return

    # -- the link buyer's way in -------------------------------------------------------

    async def _order_by_link(
        self, http: aiohttp.ClientSession, record: BuyerRecord, rng: random.Random
    ) -> bool:
        path = f"/bayar/pesan/{quote(record.link_code)}"
        form = await self._page(http, path)
        qty = buyers.link_quantity(rng, form.qty_max or 1)
        post = asyncio.ensure_future(self._post(http, path, {
            "csrf_token": form.csrf, "qty": str(qty), "request_id": form.request_id}))  # fmt: skip
        try:
            status = await asyncio.shield(post)
        except asyncio.CancelledError:
            # Stopped mid-post: the service may have stored the order already; hear its
            # answer so the record says what the database holds, then stop.
            self._ordered(record, await post, qty, form.request_id)
            raise
        return self._ordered(record, status, qty, form.request_id)

    @staticmethod
    def _ordered(record: BuyerRecord, status: int, qty: int, request_id: str) -> bool:
        """Record a link order's answer: 303 is ordered."""
        if status != 303:
            record.errors.append(f"pesan lewat tautan: HTTP {status}")
            return False
        record.ordered, record.bound = True, True
        record.link_qty, record.link_request_id = qty, request_id
        return True

    # -- details and paying ------------------------------------------------------------

    async def _check_out(
        self, http: aiohttp.ClientSession, record: BuyerRecord, rng: random.Random
    ) -> None:
        """Later, fill the details and pay every parcel that can be paid (payers only)."""
        if not record.intent.pays:
            return
        await self._wait_until(self.clock.now() + record.intent.pay_after, rng)
        page = await self._page(http)
        if not page.parcels:
            return
        page = await self._fill(http, record, rng, page, record.intent.pickup)
        if record.intent.pickup and any(_unpriced(p) for p in page.parcels):
            # A vendor who does not let buyers collect: have everything sent instead.
            page = await self._fill(http, record, rng, page, pickup=False)
        for parcel in page.parcels:
            if parcel.status == "unpaid" and parcel.forms:
                await self._pay(http, record, parcel)

    async def _fill(
        self, http: aiohttp.ClientSession, record: BuyerRecord, rng: random.Random,
        page: CheckoutPage, pickup: bool,
    ) -> CheckoutPage:  # fmt: skip
        """Choose an address from the lists the page offers, type the rest, save it."""
        home = (
            HOME_PROVINCE if HOME_PROVINCE in page.provinces and rng.random() < HOME_SHARE else None
        )
        province = home or buyers.pick(rng, page.provinces) or ""
        regencies = await self._regions(http, province)
        regency = buyers.pick(rng, regencies.get("regencies", [])) or ""
        places = await self._regions(http, province, regency)
        form = {
            "csrf_token": page.csrf, **buyers.address(rng, record.name),
            "delivery": buyers.PICKUP if pickup else buyers.COURIER, "country": "Indonesia",
            "province": province, "regency": regency,
            "district": buyers.pick(rng, places.get("districts", [])) or "",
            "postal_code": buyers.postal_code(rng, places.get("postal_codes", [])),
        }  # fmt: skip
        status = await self._post(http, "/bayar/data", form)
        if status != 303:
            record.errors.append(f"data penerima: HTTP {status}")
        else:
            record.details_saved, record.delivery = True, form["delivery"]
        return await self._page(http)

    async def _regions(self, http: aiohttp.ClientSession, province: str, regency: str = "") -> dict:
        query = {"provinsi": province, **({"kabupaten": regency} if regency else {})}
        async with http.get("/api/wilayah", params=query) as response:
            response.raise_for_status()
            return await response.json()

    async def _pay(self, http: aiohttp.ClientSession, record: BuyerRecord, parcel) -> None:
        """Pay one parcel from the sandbox bank, then say so; a changed page is read again."""
        for _ in range(2):
            method = buyers.choose_method(record.intent.prefers, [f.method for f in parcel.forms])
            form = next(f for f in parcel.forms if f.method == method)
            if method == buyers.QRIS:
                await self._scan(http, form.parcel_id)
            status = await self._post(http, form.action, form.fields)  # token, method, amount
            if status == 303:
                code = parcel.transfer_code if method == buyers.TRANSFER else None
                record.payments.append(Payment(
                    form.parcel_id, parcel.vendor, method, form.amount_idr or 0,
                    form.shown_idr or 0, code, parcel.lines,
                ))  # fmt: skip
                return
            if status != 409:
                record.errors.append(f"bayar paket {form.parcel_id}: HTTP {status}")
                return
            page = await self._page(http)  # the parcel changed: look again, pay what it says
            again = [p for p in page.parcels if p.key == parcel.key]
            if not again or again[0].status != "unpaid" or not again[0].forms:
                return
            parcel = again[0]

    async def _scan(self, http: aiohttp.ClientSession, parcel_id: int) -> None:
        """Open the parcel's QR code, as a banking app's camera would."""
        async with http.get(f"/bayar/paket/{parcel_id}/qris.svg") as response:
            response.raise_for_status()
            if "<svg" not in await response.text():
                raise ValueError(f"QRIS paket {parcel_id} bukan gambar")


def _unpriced(parcel: ParcelOnPage) -> bool:
    """An open parcel the buyer cannot pay yet (no shipping price for its delivery)."""
    return parcel.status == "unpaid" and parcel.lines > 0 and not parcel.forms
