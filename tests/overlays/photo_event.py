"""An event folder with product photos, for the pages' photo tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from schedules.model import Channel, Event, Product, Slot, Vendor
from schedules.yamlfile import dump_yaml
from tests.schedules.photo_samples import jpeg, jpeg_with_exif

TRICKY = 'Sambal "Pedas" <script>alert(1)</script> & Co'


def photo_event(folder: Path, k01: bytes | None = None) -> Path:
    """Write ``event.yaml`` and its photos: K01 a file with EXIF (or ``k01``), S01 a name
    that needs escaping, T01 no photo at all. Return the YAML's path."""
    start = datetime.now(UTC).replace(microsecond=0, second=0) - timedelta(minutes=1)
    (folder / "foto").mkdir(parents=True)
    (folder / "foto/kopi.jpg").write_bytes(k01 or jpeg_with_exif(1200, 900))
    (folder / "foto/sambal.jpg").write_bytes(jpeg(900, 900, colour="darkred"))
    event = Event(
        name="Pasar Foto",
        channels=[Channel("utama", "Panggung Utama")],
        vendors=[
            Vendor("kopi", "Kopi Rakyat", "Minuman", whatsapp="081230070919"),
            Vendor("tape", "Tape Manis", "Kuliner"),
        ],
        products=[
            Product("K01", "kopi", "Kopi Robusta 250 g", 45000, photo="foto/kopi.jpg"),
            Product("S01", "kopi", TRICKY, 20000, photo="foto/sambal.jpg"),
            Product("T01", "tape", "Tape Singkong", 15000),
        ],
        slots=[Slot("s1", "utama", start, start + timedelta(minutes=30), "kopi", ("K01", "S01"))],
    )
    path = folder / "event.yaml"
    path.write_text(dump_yaml(event), encoding="utf-8")
    return path
