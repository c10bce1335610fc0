"""Sort a browser's user agent into a device class: phone, tablet, desktop, bot or other.

Pure and cached: the click log wants a coarse answer ("did viewers open the links on
their phones?"), not a full user-agent parser. Link previews (WhatsApp, Telegram,
Facebook) count as bots so they do not inflate the clicks. iPads since iPadOS 13 say
"Macintosh" and are counted as desktops; nothing in the header tells them apart.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

DeviceClass = Literal["phone", "tablet", "desktop", "bot", "other"]

# Longer headers carry nothing more we use; cutting bounds the regex work per request.
MAX_UA_CHARS = 512

_BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|"
    r"headlesschrome|lighthouse|curl/|wget/|python-|aiohttp|httpx|go-http-client|java/|"
    r"okhttp|libwww|scrapy|node-fetch|axios|monitor|uptime|^mozilla/5\.0$",
    re.IGNORECASE,
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|sm-t\d|tab\b", re.IGNORECASE)
_PHONE = re.compile(
    r"iphone|ipod|windows phone|opera mini|kaios|blackberry|bb10|mobile|android",
    re.IGNORECASE,
)
_DESKTOP = re.compile(r"windows nt|macintosh|mac os x|x11|linux|cros", re.IGNORECASE)


@lru_cache(maxsize=2048)
def device_class(user_agent: str | None) -> DeviceClass:
    """Return the device class of ``user_agent``; an empty or odd header is ``other``.

    Order matters: bots first (many claim to be Chrome on Linux), then tablets (Android
    tablets omit "Mobile", iPads say "Mobile" too), then phones, then desktops.
    """
    if not user_agent:
        return "other"
    ua = user_agent[:MAX_UA_CHARS].strip()
    if not ua:
        return "other"
    if _BOT.search(ua):
        return "bot"
    if _TABLET.search(ua) or ("android" in ua.lower() and "mobile" not in ua.lower()):
        return "tablet"
    if _PHONE.search(ua):
        return "phone"
    if _DESKTOP.search(ua):
        return "desktop"
    return "other"
