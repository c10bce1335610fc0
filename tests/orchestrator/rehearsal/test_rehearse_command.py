"""``pasar-live rehearse`` keeps the terminal to its progress line; logging goes to a file."""

from __future__ import annotations

import argparse
import io
import logging
import re
from pathlib import Path

from orchestrator.app import create_app
from orchestrator.rehearsal import command
from orchestrator.rehearsal.logfile import logging_to
from orchestrator.rehearsal.runner import Options

EVENT = Path(__file__).resolve().parent / "two-days.yaml"


def test_logging_goes_to_the_file_and_warnings_are_counted(tmp_path):
    """Inside the block records go to the file only, warnings counted; after, handlers return."""
    root = logging.getLogger()
    before = root.handlers[:]
    with logging_to(tmp_path / "x.log") as counter:
        logging.getLogger("googleapiclient.http").warning("Encountered 403 Forbidden")
        logging.getLogger("x").error("boom")
        logging.getLogger("x").debug("not counted")
    assert counter.count == 2 and root.handlers == before
    text = (tmp_path / "x.log").read_text()
    assert "Encountered 403 Forbidden" in text and "boom" in text


def test_rehearse_prints_one_progress_line_and_logs_the_faults(tmp_path, capsys):
    """With injected faults, the captured terminal has progress and a summary, no warnings;
    rehearsal.log beside the report holds them, as many as the summary says."""
    args = argparse.Namespace(
        event=EVENT, speed=900.0, faults=0.3, audience=0.5, seed=5, buyers=0.0,
        out=tmp_path / "report", browser="websockets", vendors=False,
    )  # fmt: skip
    out = io.StringIO()
    command.run(args, create_app, out)
    text = out.getvalue()
    assert "\r[" in text and "slot " in text
    assert "WARNING" not in text and "Encountered" not in text
    assert "WARNING" not in capsys.readouterr().err
    log = (tmp_path / "report" / "rehearsal.log").read_text()
    warnings = len(re.findall(r"^\S+ \S+ (?:WARNING|ERROR|CRITICAL) ", log, re.MULTILINE))
    assert warnings > 0 and "googleapiclient.http" in log
    assert f"{warnings} peringatan, lihat {tmp_path / 'report' / 'rehearsal.log'}" in text
    assert (tmp_path / "report" / "report.json").exists()


def test_simulated_vendors_are_on_unless_turned_off():
    """`rehearse` brings simulated vendors by default; `--no-vendors` leaves them out."""
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers(dest="command"))
    assert parser.parse_args(["rehearse"]).vendors is True
    assert parser.parse_args(["rehearse", "--no-vendors"]).vendors is False
    assert Options().vendors is True
