"""A real service process killed with SIGKILL comes back with the same show on air."""

from __future__ import annotations

from datetime import datetime

import aiohttp

from tests.orchestrator.service_process import ServiceProcess, logged_in


def _utama(state: dict) -> dict:
    return next(c for c in state["channels"] if c["id"] == "utama")


async def _panel(session: aiohttp.ClientSession, url: str) -> dict:
    async with session.get(f"{url}/api/panel/state") as resp:
        assert resp.status == 200
        return await resp.json()


async def test_kill_and_restart_keeps_slot_time_left_and_actions(tmp_path):
    """After kill -9 and a restart: same slot, same end (±1 s), every host action kept."""
    service = ServiceProcess(tmp_path / "pasar.db", env={"PASAR_DEMO_LEAD_SECONDS": "0"})
    jar = aiohttp.CookieJar(unsafe=True)
    try:
        await service.start()
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            csrf = await logged_in(session, service.url)
            headers = {"X-CSRF-Token": csrf}
            for body in ({"kind": "extend", "minutes": 7}, {"kind": "next"},
                         {"kind": "extend", "minutes": -2}):  # fmt: skip
                url = f"{service.url}/api/channels/utama/actions"
                async with session.post(url, json=body, headers=headers) as resp:
                    assert resp.status == 200, await resp.text()
            before = _utama(await _panel(session, service.url))
        service.kill()
        await service.start()
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            after = _utama(await _panel(session, service.url))
    finally:
        service.stop()
    assert after["slot"]["id"] == before["slot"]["id"]
    end_before = datetime.fromisoformat(before["end"])
    end_after = datetime.fromisoformat(after["end"])
    assert abs((end_after - end_before).total_seconds()) <= 1
    newest_first = [(row["kind"], row["text"]) for row in after["log"]]
    assert [kind for kind, _ in newest_first] == ["extend", "next", "extend"]
    assert "-2" in newest_first[0][1] and "+7" in newest_first[2][1]
