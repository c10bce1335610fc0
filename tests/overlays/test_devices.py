"""Device classes from user agents: the coarse split the click log needs."""

from __future__ import annotations

import pytest

from overlays.devices import MAX_UA_CHARS, device_class

CASES = {
    "phone": [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15"
        " (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/119.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/441.0.0.23.107;]",
        "Mozilla/5.0 (Linux; Android 11; CPH2239 Build/RP1A.200720.011; wv) AppleWebKit/537.36"
        " (KHTML, like Gecko) Version/4.0 Chrome/118.0 Mobile Safari/537.36 Instagram 307.0",
        "Opera/9.80 (J2ME/MIDP; Opera Mini/4.2/28.3590; U; id) Presto/2.8.119 Version/11.10",
        "Mozilla/5.0 (Mobile; LYF/F300B/LYF-F300B-001-01-15-130718-i;Android; rv:48.0)"
        " Gecko/48.0 Firefox/48.0 KAIOS/2.5",
    ],
    "tablet": [
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        " Version/16.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Silk/120.3.1 like Chrome/120.0 Safari/537.36",
    ],
    "desktop": [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        " Version/17.2 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/120.0.0.0 Safari/537.36",
    ],
    "bot": [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "WhatsApp/2.23.20.0",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "TelegramBot (like TwitterBot)",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Python/3.11 aiohttp/3.9.1",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
        " HeadlessChrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    ],
    "other": ["", "   ", "SomeTV/1.0", "Nokia6300/2.0 (05.00) Profile/MIDP-2.0"],
}


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [(ua, cls) for cls, uas in CASES.items() for ua in uas],
)
def test_device_class(user_agent, expected):
    """Real user agents of viewers' phones, previews and tools land in the right class."""
    assert device_class(user_agent) == expected


def test_missing_header_is_other():
    """No User-Agent header at all counts as ``other``."""
    assert device_class(None) == "other"


def test_huge_header_is_cut_before_matching():
    """A very long header is judged on its start only, so it costs no more than a short one."""
    padded = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2)" + "x" * (MAX_UA_CHARS * 20) + " Googlebot"
    assert device_class(padded) == "phone"
