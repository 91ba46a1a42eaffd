"""What an uploaded image must be (`image_clean`): decoded by Pillow, within the limits, not disguised, and
stored re-encoded without its metadata."""

import io
import struct
import zlib

import pytest
from PIL import Image

from shop.catalog.images import image_clean
from shop.core.exceptions import InvalidInput
from tests.catalog.image_files import GPS_IFD, decoded, image_bytes, photo_with_gps, png_upload, upload

SCRIPT = b"<script>alert(document.cookie)</script>"


def refusal(file) -> str:
    with pytest.raises(InvalidInput) as caught:
        image_clean(file)
    return " ".join(caught.value.errors["file"])


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels, with almost no pixel data: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("image_format", "name", "extension"),
    [("JPEG", "photo.jpeg", "jpg"), ("PNG", "drawing.PNG", "png"), ("WEBP", "modern.webp", "webp")],
)
def test_jpeg_png_and_webp_are_accepted_and_stored_in_their_own_format(image_format, name, extension):
    clean = image_clean(upload(image_bytes(image_format, (50, 20)), name))
    assert clean.extension == extension
    assert (clean.width, clean.height) == (50, 20)
    assert decoded(clean.content).format == image_format


def test_the_thumbnail_keeps_the_proportions_within_the_thumbnail_size(settings):
    settings.IMAGE_THUMBNAIL_PX = 32
    clean = image_clean(png_upload(size=(200, 100)))
    assert decoded(clean.thumbnail).size == (32, 16)
    assert decoded(clean.content).size == (200, 100)


def test_a_file_without_a_name_or_content_type_is_judged_by_its_bytes():
    assert image_clean(upload(image_bytes("PNG"), name="blob")).extension == "png"


@pytest.mark.parametrize(
    "data",
    [b"just some text", SCRIPT, b"GIF89a" + b"\0" * 20, image_bytes("GIF"), image_bytes("BMP"), image_bytes("TIFF")],
    ids=["text", "script", "fake-gif", "gif", "bmp", "tiff"],
)
def test_anything_but_jpeg_png_or_webp_is_refused(data):
    assert "not a JPEG, PNG or WebP image" in refusal(upload(data, name="picture"))


def test_a_truncated_image_is_refused():
    data = image_bytes("JPEG", (300, 300), colour="red", quality=95)
    assert "damaged" in refusal(upload(data[: len(data) // 2], "half.jpg"))


def test_a_file_over_the_byte_limit_is_refused(settings):
    data = image_bytes("PNG")
    settings.IMAGE_MAX_UPLOAD_BYTES = len(data) - 1
    assert f"larger than {len(data) - 1} bytes" in refusal(upload(data))
    settings.IMAGE_MAX_UPLOAD_BYTES = len(data)
    assert image_clean(upload(data)).extension == "png"


def test_an_image_over_the_pixel_limit_is_refused_from_its_header(settings):
    settings.IMAGE_MAX_PIXELS = 25_000_000
    bomb = png_header_only(6000, 5000)  # 30 megapixels in a few dozen bytes
    assert len(bomb) < 100
    assert "more than 25000000 pixels" in refusal(upload(bomb, "bomb.png"))


def test_a_decompression_bomb_beyond_pillows_own_limit_is_refused_as_too_many_pixels():
    assert "pixels" in refusal(upload(png_header_only(100_000, 100_000), "bomb.png"))


def test_an_image_at_the_pixel_limit_is_accepted(settings):
    settings.IMAGE_MAX_PIXELS = 40 * 30
    assert image_clean(png_upload(size=(40, 30))).width == 40
    settings.IMAGE_MAX_PIXELS = 40 * 30 - 1
    assert "pixels" in refusal(png_upload(size=(40, 30)))


def test_a_png_named_jpg_holding_a_script_is_refused():
    disguised = image_bytes("PNG") + SCRIPT
    assert "PNG image but claims to be .jpg" in refusal(upload(disguised, "innocent.jpg", "image/jpeg"))


def test_a_png_sent_as_another_image_type_or_as_a_page_is_refused():
    assert "claims to be text/html" in refusal(upload(image_bytes("PNG"), "page", "text/html"))
    assert "claims to be image/jpeg" in refusal(upload(image_bytes("PNG"), "picture", "image/jpeg"))
    assert "claims to be image/svg+xml" in refusal(upload(image_bytes("PNG"), "picture", "image/svg+xml"))


@pytest.mark.parametrize("content_type", ["", "application/octet-stream", "text/plain", "image/png; q=1"])
def test_a_content_type_that_claims_nothing_else_leaves_it_to_the_bytes(content_type):
    assert image_clean(upload(image_bytes("PNG"), "picture.png", content_type)).extension == "png"


def test_what_is_stored_is_a_new_file_without_anything_smuggled_along():
    polyglot = image_bytes("PNG") + SCRIPT  # a real PNG with a script after its end
    clean = image_clean(upload(polyglot, "drawing.png", "image/png"))
    assert SCRIPT not in clean.content
    assert SCRIPT not in clean.thumbnail
    assert decoded(clean.content).size == (40, 30)


def test_exif_with_gps_is_stripped_from_the_image_and_the_thumbnail():
    original = decoded(photo_with_gps())
    assert original.getexif().get_ifd(GPS_IFD)  # the upload does carry a position
    clean = image_clean(upload(photo_with_gps(), "holiday.jpg", "image/jpeg"))
    for data in (clean.content, clean.thumbnail):
        stored = decoded(data)
        assert not stored.getexif()
        assert "exif" not in stored.info
        assert b"Secret Camera" not in data


def test_png_text_chunks_are_stripped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "home address: 1 Secret Lane")
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(buffer, format="PNG", pnginfo=info)
    clean = image_clean(upload(buffer.getvalue(), "a.png"))
    assert b"Secret Lane" not in clean.content
    assert not decoded(clean.content).text


def test_the_exif_orientation_is_applied_before_it_is_stripped():
    clean = image_clean(upload(photo_with_gps(size=(60, 40), orientation=6), "rotated.jpg"))
    assert (clean.width, clean.height) == (40, 60)  # 90 degrees: stored upright


def test_transparency_survives_in_png_and_webp():
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (255, 0, 0, 0)).save(buffer, format="PNG")
    clean = image_clean(upload(buffer.getvalue(), "clear.png"))
    assert decoded(clean.content).getpixel((0, 0))[3] == 0
