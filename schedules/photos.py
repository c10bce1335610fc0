"""Product photos as pure steps: the sizes the pages need, how a stored photo is named, the
organiser's reference to a photo, and turning image bytes into those sizes.

Bytes in, bytes out: reading files and fetching URLs is ``schedules.photo_sources``,
writing the sizes is ``schedules.photo_store``. Every size is a square, cropped from the
middle (shop photos are square on every marketplace our vendors use), so a page knows its
width and height from the size's name alone and reserves the space before it loads.
WebP only: every browser our viewers use (Chrome and Safari 14+ on phones, OBS's
Chromium) shows it, at about two thirds of a JPEG's bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from schedules.check import BadValue

# name -> square side in pixels: the overlay card (220 px on the 1920x1080 canvas), the
# phone page (up to 320 CSS px at 2x), a list thumbnail (56 CSS px at 2x).
SIZES: dict[str, int] = {"card": 240, "phone": 640, "thumb": 120}
QUALITY = 80
# Changing how sizes are made changes every photo's id, so browsers never keep an old one.
RECIPE = f"pasar-foto-1;webp;q{QUALITY};m2;" + ";".join(f"{k}{v}" for k, v in SIZES.items())
MAX_BYTES = 10 * 2**20  # a phone camera's JPEG is 3-8 MB
# Past this a small file can unpack to gigabytes of memory (a decompression bomb). Below
# Pillow's own MAX_IMAGE_PIXELS (89 M), so its warning is never the only guard.
MAX_PIXELS = 40_000_000
FORMATS = ("JPEG", "PNG", "WEBP")
STORED_PREFIX = "foto:"
ID_CHARS = 16
_ID = re.compile(rf"[0-9a-f]{{{ID_CHARS}}}")
_FILE = re.compile(rf"([0-9a-f]{{{ID_CHARS}}})-({'|'.join(SIZES)})\.webp")
# The link preview's copy: WhatsApp, Facebook and Telegram fetch ``og:image`` with their
# own crawlers, and JPEG is the one format all of them document; made from the phone size.
SHARE_SIZE = "phone"
SHARE_QUALITY = 85
_SHARE_FILE = re.compile(rf"([0-9a-f]{{{ID_CHARS}}})-share\.jpg")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class PhotoError(ValueError):
    """A photo that cannot be used; the message says why, Indonesian first."""


@dataclass(frozen=True)
class Photo:
    """One product photo made ready: its id and the WebP bytes of each size."""

    id: str
    sizes: dict[str, bytes]


# ---- names ---------------------------------------------------------------------------------


def photo_id(source: bytes) -> str:
    """Name a photo by its content (and the recipe): a new photo gets a new address."""
    digest = hashlib.sha256(RECIPE.encode() + b"\0" + source).hexdigest()
    return digest[:ID_CHARS]


def file_name(pid: str, size: str) -> str:
    return f"{pid}-{size}.webp"


def share_file_name(pid: str) -> str:
    return f"{pid}-share.jpg"


def share_url(pid: str) -> str:
    """The link preview's JPEG (``og:image``); made on first request from the phone size."""
    return f"/foto/{share_file_name(pid)}"


def parse_share_name(name: str) -> str | None:
    """The photo id of a link preview file's name, or ``None`` for anything else."""
    match = _SHARE_FILE.fullmatch(name)
    return match[1] if match else None


def photo_url(pid: str, size: str) -> str:
    """The address a page puts in ``<img src>``; it never changes for the same photo."""
    return f"/foto/{file_name(pid, size)}"


def parse_file_name(name: str) -> tuple[str, str] | None:
    """Return (id, size) of a stored file's name, or ``None`` for anything else."""
    match = _FILE.fullmatch(name)
    return (match[1], match[2]) if match else None


# ---- the organiser's reference -------------------------------------------------------------


def is_url(reference: str) -> bool:
    return bool(_URL.match(reference))


def stored_id(reference: str) -> str | None:
    """The id in ``foto:<id>`` (a photo uploaded in the editor), else ``None``."""
    if not reference.startswith(STORED_PREFIX):
        return None
    pid = reference.removeprefix(STORED_PREFIX)
    return pid if _ID.fullmatch(pid) else None


def parse_photo(text: str) -> str:
    """Read the ``photo`` column: a file in the event's folder, a web address, or
    ``foto:<id>`` (a photo already uploaded in the editor); empty means no photo."""
    text = text.strip()
    if not text or is_url(text) or stored_id(text):
        return text
    if text.startswith(STORED_PREFIX):
        raise BadValue(
            f"'{text}' bukan foto yang tersimpan; 'foto:' diikuti 16 huruf/angka dari ekspor"
            " (not a stored photo id)"
        )
    parts = text.replace("\\", "/").split("/")
    if text.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", text) or ".." in parts:
        raise BadValue(
            f"file foto '{text}' harus berada di folder acara; tulis mis. foto/K01.jpg"
            " (photo must be a file inside the event folder)"
        )
    return "/".join(p for p in parts if p not in ("", "."))


# ---- making the sizes ----------------------------------------------------------------------


def _megabytes(n: int) -> str:
    return f"{n / 2**20:.1f}".replace(".", ",").removesuffix(",0")


def check_size(length: int, limit: int = MAX_BYTES) -> None:
    """Refuse a photo bigger than ``limit`` bytes, before reading it all when we can."""
    if length > limit:
        raise PhotoError(
            f"foto {_megabytes(length)} MB, paling besar {_megabytes(limit)} MB; perkecil"
            " dulu (photo too large)"
        )


def open_image(data: bytes) -> Image.Image:
    """Open (not yet decode) an image, refusing what is not a photo or is too big to unpack."""
    check_size(len(data))
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise _bomb() from err
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise PhotoError(
            "bukan file gambar JPEG, PNG atau WebP; simpan ulang fotonya sebagai JPEG"
            " (not an image)"
        ) from err
    if image.width * image.height > MAX_PIXELS:
        raise _bomb(image.width, image.height)
    return image


def _bomb(width: int = 0, height: int = 0) -> PhotoError:
    size = f" ({width}x{height} piksel)" if width else ""
    return PhotoError(
        f"gambar terlalu besar untuk dibuka{size}, paling banyak"
        f" {MAX_PIXELS // 1_000_000} juta piksel; perkecil dulu (image too large to unpack)"
    )


def make_photo(data: bytes) -> Photo:
    """Decode, turn upright (EXIF orientation), crop square and encode every size as WebP.

    The output carries no EXIF or other metadata: a phone's photo can hold where it
    was taken. CPU-heavy: call it from a thread, never on the event loop.
    """
    image = open_image(data)
    biggest = max(SIZES.values())
    try:
        # A camera's JPEG decodes straight at 1/2, 1/4 or 1/8 scale when that still
        # covers the biggest size: several times faster than decoding all 12 megapixels.
        image.draft("RGB", (biggest, biggest))
        image.load()
        upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise _bomb(image.width, image.height) from err
    except (OSError, ValueError, SyntaxError) as err:  # a truncated or corrupt file
        raise PhotoError(
            "file gambar rusak atau terpotong; simpan ulang fotonya (corrupt image)"
        ) from err
    mode = "RGBA" if _has_alpha(upright) else "RGB"
    clean = upright.convert(mode)
    clean.info.clear()  # no EXIF, XMP or ICC rides along into the saved files
    # Crop once at the biggest size; the smaller sizes shrink that square (cheaper).
    square = ImageOps.fit(clean, (biggest, biggest), Image.Resampling.LANCZOS)
    sizes = {}
    for name, side in SIZES.items():
        sized = square if side == biggest else _shrink(square, side)
        out = io.BytesIO()
        # method 2 of 0-6: a third of method 4's time for a few percent more bytes.
        sized.save(out, "WEBP", quality=QUALITY, method=2)
        sizes[name] = out.getvalue()
    return Photo(photo_id(data), sizes)


def share_jpeg(webp: bytes) -> bytes:
    """The JPEG copy of a stored WebP size, for link previews (transparency on white).

    CPU-bound (about 10 ms at 640 px): call it from a thread.
    """
    with Image.open(io.BytesIO(webp)) as image:
        image.load()
        if _has_alpha(image):
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        else:
            flat = image.convert("RGB")
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=SHARE_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _shrink(square: Image.Image, side: int) -> Image.Image:
    # reducing_gap: a cheap box reduce first, then Lanczos over the last factor of two.
    return square.resize((side, side), Image.Resampling.LANCZOS, reducing_gap=2.0)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
