"""Photos as pure steps: references, names, sizes, EXIF and the bad inputs."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from schedules.check import BadValue
from schedules.photos import (
    MAX_BYTES,
    SIZES,
    PhotoError,
    make_photo,
    open_image,
    parse_file_name,
    parse_photo,
    photo_id,
    photo_url,
    share_jpeg,
)
from tests.schedules.photo_samples import jpeg, jpeg_with_exif, png_bomb


def test_references_read_as_file_url_or_stored() -> None:
    """A relative file, a web address and foto:<id> are kept; empty means no photo."""
    assert parse_photo(" foto/K01.jpg ") == "foto/K01.jpg"
    assert parse_photo("./foto//K01.jpg") == "foto/K01.jpg"
    assert parse_photo("https://cdn.example.id/k01.jpg") == "https://cdn.example.id/k01.jpg"
    assert parse_photo("foto:0123456789abcdef") == "foto:0123456789abcdef"
    assert parse_photo("") == ""


@pytest.mark.parametrize("text", ["/etc/passwd", "../rahasia.jpg", "foto/../../x.jpg",
                                  "C:\\foto\\k01.jpg", "foto:xyz"])  # fmt: skip
def test_references_outside_the_folder_are_refused(text: str) -> None:
    """A photo must be a file inside the event folder (or a stored id of the right shape)."""
    with pytest.raises(BadValue):
        parse_photo(text)


def test_ids_follow_the_content() -> None:
    """The same bytes give the same id and address; other bytes another."""
    first, second = jpeg(colour="red"), jpeg(colour="green")
    assert photo_id(first) == photo_id(first) != photo_id(second)
    pid = photo_id(first)
    assert photo_url(pid, "card") == f"/foto/{pid}-card.webp"
    assert parse_file_name(f"{pid}-card.webp") == (pid, "card")
    for name in (f"{pid}-huge.webp", f"{pid}-card.jpg", "../pasar.db", f"{pid[:-1]}-card.webp"):
        assert parse_file_name(name) is None


def test_every_size_is_a_square_webp() -> None:
    """Each size is WebP at its side, cropped square from a landscape photo."""
    photo = make_photo(jpeg(1200, 700))
    assert set(photo.sizes) == set(SIZES)
    for name, data in photo.sizes.items():
        image = Image.open(io.BytesIO(data))
        assert image.format == "WEBP"
        assert image.size == (SIZES[name], SIZES[name])


def test_exif_is_stripped_and_orientation_applied() -> None:
    """The phone's orientation turns the picture upright; no EXIF (camera, GPS) survives."""
    source = jpeg_with_exif()
    assert Image.open(io.BytesIO(source)).getexif()  # the sample really carries EXIF
    photo = make_photo(source)
    for data in photo.sizes.values():
        image = Image.open(io.BytesIO(data))
        assert not image.getexif()
        assert "exif" not in image.info and "xmp" not in image.info
    phone = Image.open(io.BytesIO(photo.sizes["phone"])).convert("RGB")
    side = phone.width
    # Turned 90° clockwise, the left (red) half is on top and the blue half below.
    top, bottom = phone.getpixel((side // 2, side // 8)), phone.getpixel((side // 2, side * 7 // 8))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_transparency_is_kept() -> None:
    """A PNG with a transparent background stays transparent (no black box on the card)."""
    out = io.BytesIO()
    Image.new("RGBA", (300, 300), (0, 0, 0, 0)).save(out, "PNG")
    card = Image.open(io.BytesIO(make_photo(out.getvalue()).sizes["card"]))
    assert card.mode == "RGBA" and card.getpixel((5, 5))[3] == 0


def test_not_an_image_is_refused() -> None:
    """Text, a PDF or an HTML page named .jpg is not a photo."""
    for data in (b"bukan gambar", b"%PDF-1.4\n", b"<html><body>404</body></html>"):
        with pytest.raises(PhotoError, match="bukan file gambar"):
            make_photo(data)


def test_a_gif_or_bmp_is_refused() -> None:
    """Only JPEG, PNG and WebP are opened (fewer decoders, fewer surprises)."""
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "BMP")
    with pytest.raises(PhotoError, match="JPEG, PNG atau WebP"):
        open_image(out.getvalue())


def test_a_decompression_bomb_is_refused() -> None:
    """A tiny PNG that claims 900 megapixels is refused before it is unpacked."""
    bomb = png_bomb()
    assert len(bomb) < 2000
    with pytest.raises(PhotoError, match="terlalu besar untuk dibuka"):
        make_photo(bomb)


def test_too_many_pixels_below_pillows_limit_is_refused() -> None:
    """Our own limit (40 megapixels) holds below Pillow's warning threshold too."""
    with pytest.raises(PhotoError, match="40 juta piksel"):
        open_image(png_bomb(8000, 6000))


def test_a_truncated_photo_is_refused() -> None:
    """A JPEG cut off in the middle (an interrupted copy) is a clear error, not a crash."""
    data = jpeg(1000, 1000, colour="navy", progressive=True)
    with pytest.raises(PhotoError, match="rusak"):
        make_photo(data[: len(data) // 3])


def test_a_50_mb_photo_is_refused() -> None:
    """Bytes past the limit are refused whatever they are, with the size in MB."""
    with pytest.raises(PhotoError, match=r"foto 50 MB, paling besar 10 MB"):
        make_photo(b"\xff\xd8\xff" + b"\0" * (50 * 2**20 - 3))
    assert MAX_BYTES == 10 * 2**20


def test_a_share_copy_of_a_transparent_photo_is_a_jpeg_on_white() -> None:
    """share_jpeg: a WebP with a transparent half becomes an RGB JPEG, that half white."""
    image = Image.new("RGBA", (64, 64), (200, 30, 30, 255))
    image.paste((0, 0, 0, 0), (0, 0, 32, 64))  # the left half fully transparent
    webp = io.BytesIO()
    image.save(webp, "WEBP", lossless=True)
    out = Image.open(io.BytesIO(share_jpeg(webp.getvalue())))
    assert (out.format, out.mode, out.size) == ("JPEG", "RGB", (64, 64))
    assert min(out.getpixel((8, 32))) > 240  # white where it was transparent, not black
    red, green, blue = out.getpixel((56, 32))
    assert red > 170 and green < 70 and blue < 70
