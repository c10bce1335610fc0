"""The parse-chat command: catalog loading, stdin lines to JSON lines, and the real process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.chat.parse_command import CatalogError, load_catalog, run_parse_chat

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PRODUCTS = FIXTURES / "products.csv"


def run(stdin: str, catalog: Path = PRODUCTS) -> list[dict]:
    """Run the command in-process and return its output lines, checking they are compact."""
    out = io.StringIO()
    assert run_parse_chat(catalog, io.StringIO(stdin), out) == 0
    lines = out.getvalue().splitlines()
    for line in lines:
        assert line == json.dumps(json.loads(line), separators=(",", ":"))
    return [json.loads(line) for line in lines]


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a catalog CSV under ``tmp_path`` and return its path."""
    path = tmp_path / "products.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_plain_lines_are_messages() -> None:
    """Each plain line is one message and gives one JSON line, blank lines included."""
    results = run("K01 2\nbatal m12\n\nK01 harganya berapa?\n")
    assert results == [
        {"kind": "order", "items": [{"code": "K01", "qty": 2}]},
        {"kind": "cancel", "items": [{"code": "M12", "qty": 0}]},
        {"kind": "none", "items": []},
        {"kind": "none", "items": []},
    ]


def test_json_lines_use_their_text() -> None:
    """A line starting with { is JSON and its text field is the message."""
    stdin = '{"text": "mau K01 ya kak", "kind": "ignored"}\r\n  {"text": "2 x M12"}\n'
    assert run(stdin) == [
        {"kind": "order", "items": [{"code": "K01", "qty": 1}]},
        {"kind": "order", "items": [{"code": "M12", "qty": 2}]},
    ]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("{not json", "line 2: not valid JSON"),
        ('{"message": "K01 2"}', "line 2: the JSON object has no string 'text' field"),
        ('{"text": 12}', "line 2: the JSON object has no string 'text' field"),
        ("{" * 100_000, "line 2: not valid JSON"),
    ],
)
def test_bad_json_line_reports_and_goes_on(line: str, error: str) -> None:
    """A bad JSON line gives a none with an error naming the line; the next line still runs."""
    first, bad, after = run(f"K01\n{line}\nK02 3\n")
    assert first["kind"] == "order"
    assert bad["kind"] == "none" and bad["items"] == []
    assert bad["error"].startswith(error)
    assert after == {"kind": "order", "items": [{"code": "K02", "qty": 3}]}


def test_dev_examples_replay() -> None:
    """Feeding chat-dev.jsonl as JSON lines reproduces every expected result."""
    lines = (FIXTURES / "chat-dev.jsonl").read_text(encoding="utf-8").splitlines()
    expected = [{"kind": e["kind"], "items": e["items"]} for e in map(json.loads, lines)]
    assert run("\n".join(lines) + "\n") == expected


def test_catalog_with_bom_odd_header_and_blank_rows(tmp_path: Path) -> None:
    """A UTF-8 BOM, a ' Code ' header and blank rows are what spreadsheets save; all fine."""
    path = write_csv(tmp_path, " Code ,name\nk01,Kopi\n,\n\nm12,Mie\n", encoding="utf-8-sig")
    assert load_catalog(path).codes == frozenset({"k01", "m12"})


def test_missing_catalog_file(tmp_path: Path) -> None:
    """A missing file is a CatalogError naming the file and the --catalog option."""
    missing = tmp_path / "nope.csv"
    with pytest.raises(CatalogError, match=r"nope\.csv: no such file; pass --catalog"):
        load_catalog(missing)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kode,name\nK01,Kopi\n", r"no 'code' column in the first row \(found: kode, name\)"),
        ("", r"no 'code' column in the first row \(found: nothing\)"),
        ("code;name\nK01;Kopi\n", r"found: code;name.*commas between columns"),
        ("code\nK01\nKOPI1\n", r"row 3: code 'KOPI1' is not 1-3 letters then 1-3 digits"),
        ("code,name\nK01,a\n,b\n", r"row 3: code '' is not 1-3 letters"),
        ("code\nK01\nM12\nk001\n", r"row 4: code 'k001' reads the same as the code on row 2"),
    ],
)
def test_bad_catalog_says_where_and_what_to_do(tmp_path: Path, text: str, message: str) -> None:
    """A catalog without a code column, or with untypeable or clashing codes, is refused."""
    with pytest.raises(CatalogError, match=message):
        load_catalog(write_csv(tmp_path, text))


def test_catalog_not_utf8(tmp_path: Path) -> None:
    """A catalog saved in a legacy encoding is refused with how to save it."""
    path = tmp_path / "products.csv"
    path.write_bytes("code,name\nK01,Kopi \xff\n".encode("latin-1"))
    with pytest.raises(CatalogError, match="not UTF-8 text; save it as 'CSV UTF-8'"):
        load_catalog(path)


def test_real_process_reads_stdin_and_prints_json_lines() -> None:
    """python -m orchestrator.chat.parse_command works end to end and exits 0."""
    done = subprocess.run(
        [sys.executable, "-m", "orchestrator.chat.parse_command", "--catalog", str(PRODUCTS)],
        input='K01 2\n{"text": "gajadi m12"}\n{oops\n🙏 K02 2 🙏\n'.encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [line["kind"] for line in lines] == ["order", "cancel", "none", "order"]
    assert lines[3]["items"] == [{"code": "K02", "qty": 2}]
    assert "error" in lines[2]


def test_real_process_bad_catalog_exits_2() -> None:
    """A missing catalog stops the command with exit code 2 and a message on stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "orchestrator.chat.parse_command", "--catalog", "nope.csv"],
        input=b"",
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == b""
    assert b"nope.csv: no such file" in done.stderr
