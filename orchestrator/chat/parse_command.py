"""``pasar-live parse-chat``: show what the order grammar makes of chat lines.

A host can check messages against an event's catalog before going live, and the dev
examples can be replayed: each stdin line is a message, or a JSON object with a ``text``
field, and each gives one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from orchestrator.chat.grammar import Catalog, code_key, parse

CODE_COLUMN = "code"


class CatalogError(Exception):
    """The product catalog file cannot be read as a list of product codes."""


def load_catalog(path: Path) -> Catalog:
    """Read the codes of a products CSV (UTF-8, optional BOM, a ``code`` column)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.reader(file))
    except FileNotFoundError as err:
        raise CatalogError(
            f"{path}: no such file; pass --catalog the products CSV (it needs a 'code' column)"
        ) from err
    except UnicodeDecodeError as err:
        raise CatalogError(f"{path}: not UTF-8 text; save it as 'CSV UTF-8' and retry") from err
    except OSError as err:
        raise CatalogError(f"{path}: cannot be read ({err.strerror}); check the path") from err
    except csv.Error as err:
        raise CatalogError(f"{path}: not a readable CSV ({err}); fix the file") from err
    return Catalog.from_codes(_codes(path, rows))


def _codes(path: Path, rows: list[list[str]]) -> list[str]:
    """Return the ``code`` column, refusing codes no viewer could type or that collide."""
    column = _code_column(path, rows[0] if rows else [])
    codes: list[str] = []
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # spreadsheets leave blank rows behind
        code = row[column].strip() if column < len(row) else ""
        key = code_key(code)
        if key is None:
            raise CatalogError(
                f"{path}, row {number}: code {code!r} is not 1-3 letters then 1-3 digits "
                "(like K01); fix the code so viewers can type it"
            )
        if key in first_row:
            raise CatalogError(
                f"{path}, row {number}: code {code!r} reads the same as the code on row "
                f"{first_row[key]} (case and leading zeros do not count); give it another code"
            )
        first_row[key] = number
        codes.append(code)
    return codes


def _code_column(path: Path, header: list[str]) -> int:
    """Return the index of the ``code`` column, whatever its case or spacing."""
    names = [name.strip().lower() for name in header]
    if CODE_COLUMN not in names:
        found = ", ".join(names) or "nothing"
        raise CatalogError(
            f"{path}: no 'code' column in the first row (found: {found}); add one holding "
            "the product codes, with commas between columns"
        )
    return names.index(CODE_COLUMN)


def _parse_line(line: str, number: int, catalog: Catalog) -> dict[str, Any]:
    """Parse one input line, a JSON object's ``text`` or the line itself."""
    text = line.rstrip("\r\n")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as err:  # RecursionError: absurdly deep nesting
            return _error(f"line {number}: not valid JSON ({err})")
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str):
            return _error(f"line {number}: the JSON object has no string 'text' field")
    return parse(text, catalog).to_json()


def _error(message: str) -> dict[str, Any]:
    return {"kind": "none", "items": [], "error": message}


def run_parse_chat(catalog_csv: Path, stdin: TextIO, stdout: TextIO) -> int:
    """Write one compact JSON result per stdin line; a bad line gets an error, not a stop."""
    catalog = load_catalog(catalog_csv)
    for number, line in enumerate(stdin, start=1):
        result = _parse_line(line, number, catalog)
        stdout.write(json.dumps(result, separators=(",", ":")) + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``parse-chat`` from the command line; exit 2 with a message on a bad catalog."""
    parser = argparse.ArgumentParser(
        prog="pasar-live parse-chat",
        description="Read chat messages on stdin and print each as an order, cancel or none.",
    )
    parser.add_argument(
        "--catalog", type=Path, required=True, help="products CSV with a 'code' column"
    )
    args = parser.parse_args(argv)
    # Chat is UTF-8 whatever the locale says; an undecodable byte must not stop the run.
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        return run_parse_chat(args.catalog, sys.stdin, sys.stdout)
    except CatalogError as err:
        print(f"pasar-live parse-chat: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
