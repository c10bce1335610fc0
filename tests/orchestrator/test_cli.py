"""The ``pasar-live`` command line: each command reaches its module with what it needs."""

from __future__ import annotations

from pathlib import Path

from orchestrator.cli import main
from schedules.startup import EXAMPLE_EVENT


def test_rehearse_reaches_the_rehearsal_with_the_app_factory(tmp_path, capsys):
    """``rehearse`` on a broken event is refused with the error (exit 2), not a TypeError."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(EXAMPLE_EVENT.read_text().replace("price_idr: ", "price_idr: -", 1))
    assert main(["rehearse", str(broken)]) == 2
    assert "price" in capsys.readouterr().err


def test_check_answers_without_building_the_app(capsys):
    """``check`` reads the shipped example and says OK."""
    assert main(["check", str(EXAMPLE_EVENT)]) == 0
    assert "OK" in capsys.readouterr().out


def test_import_and_export_use_the_db_flag(tmp_path, capsys):
    """``import --db`` writes that file and ``export --db`` reads it back."""
    db = tmp_path / "x.db"
    assert main(["import", str(EXAMPLE_EVENT), "--db", str(db)]) == 0
    assert db.exists()
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out").exists()


def test_qris_prints_the_merchant_and_the_dynamic_payload_last(capsys):
    """``qris PAYLOAD --amount N`` names the merchant and ends with the dynamic payload."""
    payload = "".join((Path(__file__).parents[1] / "fixtures/checkout/payments.csv").read_text()
                      .splitlines()[1].split(",")[1:2])  # fmt: skip
    assert main(["qris", payload, "--amount", "45000"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Merchant : KOPI RAKYAT SIDOMULYO" and "Rp 45.000" in out[3]
    assert "540545000" in out[-1] and out[-1].startswith("000201010212")


def test_qris_refuses_a_broken_payload(capsys):
    """A payload with a wrong CRC is exit 2 with the reason."""
    assert main(["qris", "000201010211" + "6304ABCD"]) == 2
    assert "CRC" in capsys.readouterr().err
