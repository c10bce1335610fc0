"""Draw the example event's placeholder product photos and name them in its YAML.

    .venv/bin/python scripts/draw_example_photos.py

Each product gets a square WebP in ``schedules/examples/foto/<CODE>.webp``: its
category's colour, the product's name, its code and its vendor, drawn with Pillow (no
picture is downloaded). The files are committed (about 5 KB each, 1.1 MB for 212) so the
demo shows photos the moment it starts; the import makes the pages' sizes from them
like from any organiser's photo. Run it again after changing the example's products.
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schedules.loader import load_paths  # noqa: E402 - after the path is set
from schedules.yamlfile import dump_yaml  # noqa: E402

EXAMPLE = ROOT / "schedules/examples/pasar-jember.yaml"
FOLDER = EXAMPLE.parent / "foto"
SIDE = 640
# (background, accent) per category; anything else gets the last pair.
COLOURS = {
    "kopi": ("#6f4e37", "#c8a27a"),
    "makanan": ("#c2410c", "#fdba74"),
    "batik": ("#1e3a8a", "#93c5fd"),
    "busana": ("#9d174d", "#f9a8d4"),
    "kerajinan": ("#166534", "#86efac"),
    "herbal": ("#3f6212", "#d9f99d"),
    "cerutu": ("#57534e", "#d6d3d1"),
    "": ("#334155", "#cbd5e1"),
}
BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def font(size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans Bold where Debian has it, else Pillow's own font."""
    if BOLD.exists():
        return ImageFont.truetype(str(BOLD), size)
    return ImageFont.load_default(size=size)


def draw(code: str, name: str, vendor: str, category: str) -> Image.Image:
    """One placeholder: the name large in the middle, the code above, the vendor below."""
    background, accent = COLOURS.get(category, COLOURS[""])
    image = Image.new("RGB", (SIDE, SIDE), background)
    pen = ImageDraw.Draw(image)
    pen.ellipse((SIDE * 0.62, -SIDE * 0.3, SIDE * 1.22, SIDE * 0.3), fill=accent)
    pen.text((44, 40), code, font=font(84), fill="#ffffff")
    lines = textwrap.wrap(name, width=16, break_long_words=False)[:4]
    big = font(56 if len(lines) <= 3 else 48)
    top = SIDE // 2 - len(lines) * 34
    for n, line in enumerate(lines):
        pen.text((44, top + n * 68), line, font=big, fill="#ffffff")
    pen.rectangle((0, SIDE - 92, SIDE, SIDE), fill=accent)
    label = f"{category.upper()} · {vendor}" if category else vendor
    pen.text((44, SIDE - 66), textwrap.shorten(label, 30, placeholder="…"), font=font(30),
             fill=background)  # fmt: skip
    return image


def main() -> int:
    event = load_paths([EXAMPLE]).event
    if event is None:
        print(f"{EXAMPLE} tidak terbaca (unreadable)", file=sys.stderr)
        return 1
    FOLDER.mkdir(exist_ok=True)
    vendors = {v.id: v for v in event.vendors}
    products = []
    for product in event.products:
        vendor = vendors.get(product.vendor_id)
        picture = draw(product.code, product.name, vendor.name if vendor else "",
                       vendor.category if vendor else "")  # fmt: skip
        path = FOLDER / f"{product.code}.webp"
        # 16 flat colours, lossless: a third smaller than lossy WebP, and crisp letters.
        picture.quantize(16).save(path, "WEBP", lossless=True, method=6)
        products.append(replace(product, photo=f"foto/{path.name}"))
    EXAMPLE.write_text(dump_yaml(replace(event, products=products)), encoding="utf-8")
    total = sum(p.stat().st_size for p in FOLDER.glob("*.webp"))
    print(f"{len(products)} foto, {total / 1024:.0f} KB di {FOLDER.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
