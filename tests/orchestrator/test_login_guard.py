"""Where a login may lead, and how often one may fail: the pure rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from orchestrator.login_guard import LoginLimiter, safe_next

HOME = "/home"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "%2F%09%2Fevil.example",
        "/\r\n/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%5Cevil.example",
        "/%2F/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/\x00/evil.example",
        "",
        " //evil.example",
    ],
)
def test_off_site_targets_go_home(target):
    """Control characters, backslashes, encoded slashes, schemes and hosts all give the default."""
    assert safe_next(target, HOME) == HOME


@pytest.mark.parametrize("target", ["/", "/editor", "/orders?status=baru", "/editor#slot-3"])
def test_local_paths_are_kept(target):
    """A plain path on this site is where the login leads."""
    assert safe_next(target, HOME) == target


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_whatever_the_target_the_location_is_local(target):
    """For any text, the answer is a path on this site that a browser cannot read as a host."""
    result = safe_next(target, HOME)
    assert result.startswith("/") and not result.startswith("//")
    assert "\\" not in result and not any(ord(c) < 32 or ord(c) == 127 for c in result)
    location = URL(result)
    assert location.host is None and location.scheme == ""


def test_limiter_refuses_after_the_limit_with_the_wait():
    """After ``limit`` failures the address waits until the oldest leaves the window."""
    limiter = LoginLimiter(limit=3, window_s=60)
    for t in (0, 10, 20):
        assert limiter.retry_after("1.2.3.4", t) is None
        limiter.failed("1.2.3.4", t)
    assert limiter.retry_after("1.2.3.4", 30) == 30
    assert limiter.retry_after("5.6.7.8", 30) is None  # per address
    assert limiter.retry_after("1.2.3.4", 60.5) is None  # the first failure left the window


def test_limiter_forgets_on_success_and_stays_bounded():
    """A good login clears the count; memory holds at most ``max_addresses`` addresses."""
    limiter = LoginLimiter(limit=1, window_s=60, max_addresses=100)
    limiter.failed("a", 0)
    limiter.succeeded("a")
    assert limiter.retry_after("a", 1) is None
    for n in range(1000):
        limiter.failed(f"10.0.{n // 256}.{n % 256}", 1)
    assert len(limiter._failures) == 100
