"""``python run.py`` as a new user runs it: banner, health, and a clean stop on Ctrl-C."""

from __future__ import annotations

import signal

from tests.orchestrator.service_process import ServiceProcess


async def test_ctrl_c_stops_cleanly_and_the_banner_has_login_links(tmp_path):
    """SIGINT ends the process with exit code 0; the banner printed both login links."""
    service = ServiceProcess(tmp_path / "pasar.db")
    try:
        await service.start()
        service.proc.send_signal(signal.SIGINT)
        code = service.proc.wait(timeout=20)
    finally:
        service.stop()
    output = service.log.read_text()
    assert code == 0, output
    assert "login?token=host-token&next=/" in output
    assert "login?token=org-token&next=/editor" in output
    assert "Berhenti" in output
    assert "/bayar" in output  # where buyers pay
    assert "/live" in output and "/pasar" in output and "/laporan" in output  # viewers, report
    assert (tmp_path / "pasar.db").exists()
