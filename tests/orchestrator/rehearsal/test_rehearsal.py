"""A two-day, ten-slot rehearsal against the sandbox, with faults, checked by its report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from orchestrator.app import create_app
from orchestrator.rehearsal import report
from orchestrator.rehearsal.report import expected_holdings
from orchestrator.rehearsal.runner import Options, RehearsalError, rehearse
from tests.conftest import IN_CI

EVENT = Path(__file__).resolve().parent / "two-days.yaml"


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> dict:
    """Rehearse once for the module: 300x (CI boxes are busy), 10% faults, 1 message/s."""
    import asyncio

    workdir = tmp_path_factory.mktemp("rehearsal")
    options = Options(EVENT, speed=300, faults=0.1, audience=1.0, seed=7, workdir=workdir)
    run = asyncio.run(rehearse(options, create_app))
    data = report.build(run)
    json_path, html_path = report.write(data, workdir / "report")
    assert json.loads(json_path.read_text())["headline"] == data["headline"]
    assert "Laporan gladi" in html_path.read_text()
    return data


def test_every_slot_aired_on_time(figures):
    """All ten slots aired, each within 5 simulated seconds of when it was due."""
    headline = figures["headline"]
    assert (headline["slots"], headline["slots_aired"], headline["days"]) == (10, 10, 2)
    assert headline["max_late_s"] <= 5.0
    assert figures["slots_missed"] == []


def test_orders_sent_equal_orders_logged_per_vendor(figures):
    """What the audience meant to buy is exactly what the service logged, vendor by vendor."""
    orders = figures["orders"]
    assert orders["messages_sent"] > 500
    assert orders["messages_stored"] == orders["messages_sent"]
    assert orders["match"], orders["per_vendor"]
    assert orders["units_sent"] == orders["units_logged"] > 0


def test_overlay_pages_end_on_the_last_revision(figures):
    """Every watching page (a socket, and real Chromium where installed) shows the last rev."""
    pages = {o["page"]: o for o in figures["overlays"]}
    assert pages["websockets"]["published"] > 10
    assert all(o["at_final"] for o in figures["overlays"])
    if shutil.which("chromium") or IN_CI:
        assert pages["chromium"]["final_rev"] == pages["chromium"]["published"]


def test_faults_did_not_cause_duplicate_creates(figures):
    """With 10% injected faults, each day still made one meeting, broadcast and stream."""
    platform = figures["platform"]
    assert platform["faults_injected"] > 0
    creates = platform["creates"]
    assert (creates["zoomMeeting"], creates["liveBroadcast"], creates["liveStream"]) == (2, 2, 2)
    assert all(day["fits"] for day in figures["quota"])
    assert figures["ok"]


def test_expected_holdings_follow_cancels():
    """Cancel 0 drops all of a code; cancel n takes n off; other viewers are untouched."""

    class Sent:
        def __init__(self, viewer, kind, items):
            self.author_channel_id, self.expected = viewer, {"kind": kind, "items": items}

    sent = [
        Sent("a", "order", [{"code": "K01", "qty": 3}]),
        Sent("b", "order", [{"code": "K01", "qty": 1}]),
        Sent("a", "cancel", [{"code": "K01", "qty": 2}]),
        Sent("b", "cancel", [{"code": "K01", "qty": 0}]),
        Sent("a", "order", [{"code": "Z99", "qty": 1}]),
    ]
    assert expected_holdings(sent, {"K01"}) == {("a", "K01"): 1, ("b", "K01"): 0}


def test_an_event_with_errors_is_refused(tmp_path):
    """A broken event file stops the rehearsal before anything starts, listing the error."""
    import asyncio

    broken = tmp_path / "broken.yaml"
    broken.write_text(EVENT.read_text().replace("price_idr: ", "price_idr: -", 1))
    with pytest.raises(RehearsalError, match="price"):
        asyncio.run(rehearse(Options(broken, workdir=tmp_path), create_app))
