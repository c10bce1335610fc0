"""The project's own event file: one YAML document holding the whole event.

Its keys are the spreadsheet columns (``vendor_id``, ``price_idr``, ``date``, ``start``...),
so an organiser who knows one format knows the other, and slots are written with a local
``date``, ``start`` and ``end`` in the event's timezone so people can read them.

Values are read as the text that was written (through ``yaml.compose``), never through
YAML's own typing: ``15:30`` stays a time instead of YAML 1.1's sexagesimal 930,
``0812...`` keeps its zero, and ``43.000`` follows the price rule in ``schedules.check``.
The node marks give each problem the line it is on.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from schedules.check import WARNING, Problem, Where
from schedules.csvfiles import COLUMNS, FILLED, REQUIRED, Record, event_rows
from schedules.model import Event

# YAML section -> table kind. The slots section is the schedule table.
SECTIONS = {
    "event": "event",
    "channels": "channels",
    "vendors": "vendors",
    "products": "products",
    "shipping": "shipping",
    "slots": "schedule",
}
_NULL = "tag:yaml.org,2002:null"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

Tables = dict[str, list[Record]]


def read_yaml(path: Path) -> tuple[Tables, list[Problem]]:
    """Read an event YAML file into records per table kind."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        return {}, [Problem(str(path), 0, "-", f"file tidak bisa dibaca: {err} (unreadable)")]
    return parse_yaml(text, str(path))


def parse_yaml(text: str, file: str) -> tuple[Tables, list[Problem]]:
    """Read event YAML text into records per table kind, each field with its line."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else 1
        message = f"YAML tidak terbaca: {err.problem or err} (invalid YAML)"
        return {}, [Problem(file, line, "-", message)]
    except yaml.YAMLError as err:
        return {}, [Problem(file, 1, "-", f"YAML tidak terbaca: {err} (invalid YAML)")]
    if root is None:
        message = "file kosong; tulis bagian event, vendors, products dan slots (empty file)"
        return {}, [Problem(file, 1, "-", message)]
    if not isinstance(root, MappingNode):
        message = "isi file harus berupa bagian seperti 'event:' (top level must be a mapping)"
        return {}, [_problem(file, root, "-", message)]
    tables: Tables = {}
    problems: list[Problem] = []
    for key, value in _pairs(root, file, problems):
        kind = SECTIONS.get(key.value)
        if kind is None:
            known = ", ".join(SECTIONS)
            message = (
                f"bagian '{key.value}' tidak dikenal ({known}) dan diabaikan (unknown section)"
            )
            problems.append(_problem(file, key, key.value, message, WARNING))
        elif kind != "event":
            records = _records(kind, value, file, problems)
            if records is not None:
                tables[kind] = records
        elif isinstance(value, MappingNode):
            tables[kind] = [_record(kind, value, file, problems)]
        else:
            message = "bagian event harus berisi name, timezone, base_url (must be a mapping)"
            problems.append(_problem(file, value, key.value, message))
    return tables, problems


def _problem(file: str, node: Node, name: str, message: str, severity: str = "error") -> Problem:
    return Problem(file, node.start_mark.line + 1, name, message, severity)


def _pairs(node: MappingNode, file: str, problems: list[Problem]) -> list[tuple[Node, Node]]:
    """Return a mapping's scalar-keyed pairs, reporting keys written twice."""
    seen: set[str] = set()
    pairs = []
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            problems.append(_problem(file, key, "-", "kunci harus berupa teks (key must be text)"))
            continue
        if key.value in seen:
            message = f"kunci '{key.value}' ditulis dua kali; hapus salah satu (duplicate key)"
            problems.append(_problem(file, key, key.value, message))
            continue
        seen.add(key.value)
        pairs.append((key, value))
    return pairs


def _records(kind: str, node: Node, file: str, problems: list[Problem]) -> list[Record] | None:
    """Read a section's list of mappings; ``None`` when the section is not a list."""
    if isinstance(node, ScalarNode) and node.tag == _NULL:
        return []
    if not isinstance(node, SequenceNode):
        message = "bagian ini harus berupa daftar (- ...) (section must be a list)"
        problems.append(_problem(file, node, "-", message))
        return None
    records = []
    for item in node.value:
        if isinstance(item, MappingNode):
            records.append(_record(kind, item, file, problems))
        else:
            message = "setiap isi daftar harus berupa kunci: nilai (item must be a mapping)"
            problems.append(_problem(file, item, "-", message))
    return records


def _record(kind: str, node: MappingNode, file: str, problems: list[Problem]) -> Record:
    """Turn one mapping into a record; absent required keys read as empty on its line."""
    row = node.start_mark.line + 1
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    for key, value in _pairs(node, file, problems):
        name = key.value
        if name not in COLUMNS[kind]:
            message = f"kunci '{name}' tidak dikenal dan diabaikan (unknown key ignored)"
            problems.append(_problem(file, key, name, message, WARNING))
            continue
        text = _text(value, name == "products")
        if text is None:
            message = f"'{name}' harus berupa teks atau angka, bukan daftar (must be a value)"
            problems.append(_problem(file, value, name, message))
            text = ""
        values[name] = text
        lines[name] = value.start_mark.line + 1
    for name in REQUIRED[kind]:
        values.setdefault(name, "")
    return Record(values, Where(file, row, lines))


def _text(node: Node, list_ok: bool) -> str | None:
    """Return the text as written; a list of codes joins with spaces; ``None`` if neither."""
    if isinstance(node, ScalarNode):
        return "" if node.tag == _NULL else node.value.strip()
    items = node.value if list_ok and isinstance(node, SequenceNode) else None
    if items is not None and all(isinstance(item, ScalarNode) for item in items):
        return " ".join(item.value.strip() for item in node.value)
    return None


# ---- writing -----------------------------------------------------------------------------

_HEADER = """\
# Pasar Live: satu acara dalam satu file (one event in one file).
# Tanggal dan jam ditulis dalam zona waktu acara (dates and times are local to `timezone`).
# Jam selesai lebih awal dari jam mulai berarti slot lewat tengah malam (ends the next day).
# Slot tanpa vendor_id adalah segmen pembawa acara (a slot without vendor_id is a host segment).
# Ongkir: baris kabupaten/kota mengalahkan provinsinya (a regency's tariff beats its province's).
"""


def dump_yaml(event: Event) -> str:
    """Write the whole event as YAML that ``parse_yaml`` reads back to an equal event."""
    rows = event_rows(event)
    parts = [_HEADER, _dump({"event": rows["event"][0]})]
    for section, kind in SECTIONS.items():
        if kind != "event":
            items = [_compact(kind, row) for row in rows[kind]]
            parts.append(_dump({section: items}))
    return "\n".join(parts)


def _compact(kind: str, row: dict[str, object]) -> dict[str, object]:
    """Leave out empty optional fields, so the file shows only what was filled in."""
    return {k: v for k, v in row.items() if k in FILLED[kind] or v not in (None, "")}


def _dump(data: dict) -> str:
    # Wide enough that a QRIS (at most 512 characters) stays on one line, to copy whole.
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=600, indent=2)
