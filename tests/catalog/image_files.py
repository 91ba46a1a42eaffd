"""Image files made on the spot for the upload tests (Pillow draws them; nothing is shipped)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (40, 30), colour="teal", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=image_format, **save)
    return buffer.getvalue()


def photo_with_gps(size: tuple[int, int] = (60, 40), orientation: int = 1) -> bytes:
    """A JPEG carrying EXIF with a GPS position, a camera model and an orientation."""
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera 3000"  # Model
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (59.0, 54.0, 41.0), 3: "E", 4: (10.0, 45.0, 8.0)})
    return image_bytes("JPEG", size, exif=exif.tobytes())


def upload(data: bytes, name: str = "picture.png", content_type: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type or "application/octet-stream")


def png_upload(name: str = "picture.png", size=(40, 30), colour="teal") -> SimpleUploadedFile:
    return upload(image_bytes("PNG", size, colour), name, "image/png")


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
