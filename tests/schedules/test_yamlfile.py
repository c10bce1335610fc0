"""The one-file YAML event: values read as written, problems on their YAML lines."""

from __future__ import annotations

from pathlib import Path

from schedules.loader import load_paths
from schedules.yamlfile import dump_yaml, parse_yaml

EVENT = """\
event:
  name: Pasar Uji
  timezone: Asia/Jakarta
channels:
- channel: utama
  title: Panggung Utama
vendors:
- vendor_id: kopi-jaya
  name: Kopi Jaya
  whatsapp: 0812-3007-919
products:
- code: K01
  vendor_id: kopi-jaya
  name: Kopi Bubuk
  price_idr: 43.000
  stock:
slots:
- channel: utama
  date: 2027-02-15
  start: 15:30
  end: 15:40
  title: Pembukaan
- channel: utama
  date: 2027-02-15
  start: 15:40
  end: 15:50
  vendor_id: kopi-jaya
  products: [K01]
"""


def located(tmp_path: Path, text: str) -> list[tuple[int, str, str]]:
    path = tmp_path / "event.yaml"
    path.write_text(text, encoding="utf-8")
    return [(p.row, p.field, p.severity) for p in load_paths([path]).problems]


def test_values_are_read_as_written(tmp_path: Path) -> None:
    """15:30 is a time (not YAML 1.1's 930), 43.000 is Rp 43000, 0812... keeps its zero."""
    path = tmp_path / "event.yaml"
    path.write_text(EVENT, encoding="utf-8")
    result = load_paths([path])
    assert result.problems == []
    event = result.event
    assert event.name == "Pasar Uji" and event.channels[0].title == "Panggung Utama"
    assert event.products[0].price_idr == 43000 and event.products[0].stock is None
    assert event.vendors[0].whatsapp == "+628123007919"
    assert event.slots[0].start.isoformat() == "2027-02-15T08:30:00+00:00"
    assert event.slots[1].products == ("K01",) and event.slots[0].vendor_id is None


def test_problems_carry_the_line_of_their_value(tmp_path: Path) -> None:
    """A bad price on line 15 and an impossible time on line 25 are reported there."""
    text = EVENT.replace("price_idr: 43.000", "price_idr: 43000.5")
    text = text.replace("start: 15:40", "start: 25:40")
    assert located(tmp_path, text) == [(15, "price_idr", "error"), (25, "start", "error")]


def test_cross_row_problems_use_yaml_lines(tmp_path: Path) -> None:
    """An unknown vendor in a slot is reported on that slot's vendor_id line."""
    text = EVENT.replace("  vendor_id: kopi-jaya\n  products", "  vendor_id: kopi\n  products")
    assert located(tmp_path, text) == [
        (8, "vendor_id", "warning"),  # kopi-jaya has no slot now
        (27, "vendor_id", "error"),
    ]


def test_missing_key_is_reported_on_the_item_line(tmp_path: Path) -> None:
    """A slot without its end is reported on the line where the item starts."""
    text = EVENT.replace("  end: 15:50\n", "")
    assert located(tmp_path, text) == [(23, "end", "error")]


def test_unknown_channel_when_channels_are_declared(tmp_path: Path) -> None:
    """With a channels section, a slot on another channel is an error (a typo, likely)."""
    text = EVENT.replace(
        "- channel: utama\n  date: 2027-02-15\n  start: 15:40",
        "- channel: utma\n  date: 2027-02-15\n  start: 15:40",
    )
    assert located(tmp_path, text) == [(23, "channel", "error")]


def test_duplicate_channel(tmp_path: Path) -> None:
    """A channel declared twice is an error on the second."""
    text = EVENT.replace("vendors:\n", "- channel: Utama\nvendors:\n")
    assert located(tmp_path, text) == [(7, "channel", "error")]


def test_invalid_yaml_reports_its_line(tmp_path: Path) -> None:
    """A syntax error names the line the parser stopped at."""
    text = EVENT.replace("  name: Kopi Jaya\n", "  name: [Kopi Jaya\n")
    in_file = [p for p in located(tmp_path, text) if p[0] > 0]
    assert len(in_file) == 1 and in_file[0][1:] == ("-", "error") and 9 <= in_file[0][0] <= 11


def test_unknown_keys_and_sections_are_warnings(tmp_path: Path) -> None:
    """A typo in a key or section is a warning, so nothing is silently dropped."""
    text = EVENT.replace("  stock:\n", "  stok: 5\n") + "catatan: halo\n"
    assert located(tmp_path, text) == [(16, "stok", "warning"), (29, "catatan", "warning")]


def test_duplicate_key(tmp_path: Path) -> None:
    """A key written twice in one item is an error on the second."""
    text = EVENT.replace("  stock:\n", "  stock:\n  price_idr: 5\n")
    assert located(tmp_path, text) == [(17, "price_idr", "error")]


def test_empty_and_non_mapping_files() -> None:
    """An empty document and a bare list are errors on line 1."""
    _, empty = parse_yaml("", "e.yaml")
    _, bare = parse_yaml("- a\n", "e.yaml")
    assert [str(p)[:22] for p in empty + bare] == [
        "e.yaml:1: -: error: fi",
        "e.yaml:1: -: error: is",
    ]


def test_section_that_is_not_a_list(tmp_path: Path) -> None:
    """A vendors section written as text is an error on its line, and vendors are missing."""
    text = EVENT.replace(
        "vendors:\n- vendor_id: kopi-jaya\n  name: Kopi Jaya\n  whatsapp: 0812-3007-919\n",
        "vendors: kopi-jaya\n",
    )
    assert (7, "-", "error") in located(tmp_path, text)


def test_dump_writes_local_times_and_reads_back_equal(tmp_path: Path) -> None:
    """The written file shows local dates and times and loads to an equal event."""
    path = tmp_path / "event.yaml"
    path.write_text(EVENT, encoding="utf-8")
    event = load_paths([path]).event
    text = dump_yaml(event)
    assert "date: 2027-02-15\n  start: '15:30'\n  end: '15:40'\n" in text
    assert "stock" not in text  # empty optional fields are left out
    path.write_text(text, encoding="utf-8")
    assert load_paths([path]).event == event
