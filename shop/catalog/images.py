"""Product images: the one home of what an uploaded image must be and of how a product's images change.

An upload is trusted for nothing but its bytes. `image_clean` decodes it with Pillow (JPEG, PNG or WebP
only, whatever its name or content type says), refuses it when it is larger than IMAGE_MAX_UPLOAD_BYTES,
has more than IMAGE_MAX_PIXELS (read from the header, before any pixel is decoded: a decompression bomb
never gets to allocate its pixels), fails to decode, or is named or typed as another format (a PNG named
`.jpg`: a disguised file). What is stored is never the upload: the pixels are re-encoded into a fresh file,
so metadata (EXIF with GPS, XMP, text chunks) and anything smuggled after or inside the image is gone. The
EXIF orientation is applied first, so photos stay upright without it.

The services lock the product row, so two staff members changing one product's images queue; at most one
image is primary (a partial unique constraint) and the services keep exactly one while a product has any.
"""

import io
import struct
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from PIL import Image, ImageOps, UnidentifiedImageError

from shop.catalog.models import Product, ProductImage
from shop.core.exceptions import InvalidInput

#: Pillow format -> (stored extension, names it may arrive with, content types it may arrive with).
FORMATS = {
    "JPEG": ("jpg", {".jpg", ".jpeg", ".jpe", ".jfif"}, {"image/jpeg", "image/jpg", "image/pjpeg"}),
    "PNG": ("png", {".png"}, {"image/png"}),
    "WEBP": ("webp", {".webp"}, {"image/webp"}),
}
STORED_EXTENSIONS = tuple(f".{extension}" for extension, _, _ in FORMATS.values())
#: Content types that a browser would run or render as something else than this picture: claiming one of them
#: (or another image type) for a decoded image is a disguise. Any other type (none, application/octet-stream,
#: text/plain from a careless client) claims nothing, and the decoded bytes decide.
ACTIVE_TYPES = {"text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/javascript",
                "application/javascript", "application/pdf"}  # fmt: skip
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"compress_level": 6},
    "WEBP": {"quality": 85, "method": 4},
}
#: What decoding a broken or hostile file can raise in Pillow's plugins.
DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    struct.error,
)
TOO_MANY_PIXELS = "The image has more than {limit} pixels."
NOT_AN_IMAGE = "The file is not a JPEG, PNG or WebP image (or it is damaged)."
PRIMARY_STAYS = "The primary image stays primary until another image of the product is made primary."


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded upload and its thumbnail, ready to store."""

    content: bytes
    thumbnail: bytes
    extension: str
    width: int
    height: int


def _refuse(message: str) -> InvalidInput:
    return InvalidInput({"file": [message]})


def image_clean(upload) -> CleanImage:
    """Check and re-encode an uploaded file (a Django File); raises InvalidInput naming `file` otherwise."""
    if upload.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise _refuse(f"The file is larger than {settings.IMAGE_MAX_UPLOAD_BYTES} bytes.")
    image = _decode(upload)
    clean = _pixels(ImageOps.exif_transpose(image), image.format)
    thumbnail = clean.copy()
    thumbnail.thumbnail((settings.IMAGE_THUMBNAIL_PX,) * 2, Image.Resampling.LANCZOS)
    return CleanImage(
        content=_encode(clean, image.format),
        thumbnail=_encode(thumbnail, image.format),
        extension=FORMATS[image.format][0],
        width=clean.width,
        height=clean.height,
    )


def _decode(upload) -> Image.Image:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=list(FORMATS))
            _check_header(image, upload)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # Pillow's own limit, far above ours
        raise _refuse(TOO_MANY_PIXELS.format(limit=settings.IMAGE_MAX_PIXELS)) from None
    except DECODE_ERRORS:
        raise _refuse(NOT_AN_IMAGE) from None
    return image


def _check_header(image: Image.Image, upload) -> None:
    """Pixel count and claimed format, from the header alone (nothing is decoded yet)."""
    if image.width * image.height > settings.IMAGE_MAX_PIXELS:
        raise _refuse(TOO_MANY_PIXELS.format(limit=settings.IMAGE_MAX_PIXELS))
    _, names, types = FORMATS[image.format]
    suffix = PurePath(upload.name or "").suffix.lower()
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    disguised_type = content_type in ACTIVE_TYPES or (content_type.startswith("image/") and content_type not in types)
    if (suffix and suffix not in names) or disguised_type:
        claimed = suffix or content_type
        raise _refuse(f"The file is a {image.format} image but claims to be {claimed}: refused as disguised.")


def _pixels(image: Image.Image, image_format: str) -> Image.Image:
    """A new image holding only the pixels (RGB, or RGBA where the format keeps transparency)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    clean = image.convert("RGBA" if has_alpha and image_format != "JPEG" else "RGB")
    clean.info = {}
    return clean


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **SAVE_OPTIONS[image_format])
    return buffer.getvalue()


# --- Services ---------------------------------------------------------------------------------------


def _lock(product_id: int) -> Product:
    return Product.objects.select_for_update().get(pk=product_id)


@transaction.atomic
def product_image_add(
    *, product: Product, file, alt: str = "", position: int | None = None, is_primary: bool | None = None
) -> ProductImage:
    """Store a checked, re-encoded copy of `file` and its thumbnail as an image of `product`.

    `position` defaults to after the last image; `is_primary` to "when the product has no primary image yet",
    and a new primary image takes over the flag. A bad file raises InvalidInput before anything is stored.
    `file` may also be what `image_clean` made of it already (the admin's form checks the file first).
    """
    clean = file if isinstance(file, CleanImage) else image_clean(file)
    _lock(product.pk)
    images = ProductImage.objects.filter(product_id=product.pk)
    has_primary = images.filter(is_primary=True).exists()
    if position is None:
        last = images.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    is_primary = not has_primary if is_primary is None else is_primary
    if is_primary and has_primary:
        _primary_flag_set(images.filter(is_primary=True), False)
    image = ProductImage(
        product_id=product.pk, alt=alt, position=position, is_primary=is_primary, width=clean.width, height=clean.height
    )
    _store(image, clean)
    return image


def _store(image: ProductImage, clean: CleanImage) -> None:
    """Write both files under fresh names, then the row; a failed row takes its files with it."""
    stem = uuid4().hex
    image.file.save(f"{stem}.{clean.extension}", ContentFile(clean.content), save=False)
    image.thumbnail.save(f"{stem}-thumb.{clean.extension}", ContentFile(clean.thumbnail), save=False)
    try:
        image.save()
    except Exception:
        image_files_delete(names=(image.file.name, image.thumbnail.name), storage=image.file.storage)
        raise


@transaction.atomic
def product_image_update(
    *, image: ProductImage, alt: str | None = None, position: int | None = None, is_primary: bool | None = None
) -> ProductImage:
    """Change an image's alt text, position or primary flag (None: unchanged). Making an image primary takes
    the flag from the product's other image; taking it from the primary image is refused (PRIMARY_STAYS)."""
    _lock(image.product_id)
    image = ProductImage.objects.get(pk=image.pk)
    if is_primary is False and image.is_primary:
        raise InvalidInput({"is_primary": [PRIMARY_STAYS]})
    if is_primary and not image.is_primary:
        _primary_flag_set(ProductImage.objects.filter(product_id=image.product_id, is_primary=True), False)
        image.is_primary = True
    image.alt = image.alt if alt is None else alt
    image.position = image.position if position is None else position
    image.save(update_fields=["alt", "position", "is_primary"])
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    """Delete the image (its files go once the deletion commits); when it was the primary one, the first of
    the remaining images (by position) becomes primary."""
    _lock(image.product_id)
    was_primary = ProductImage.objects.filter(pk=image.pk, is_primary=True).exists()
    image.delete()
    if was_primary:
        successor = ProductImage.objects.filter(product_id=image.product_id).order_by("position", "id")[:1]
        _primary_flag_set(successor, True)


def _primary_flag_set(images, is_primary: bool) -> None:
    """Move the primary flag image by image (at most one each time), with `save()` rather than one `update()`,
    so that model signals (the audit log's) see every image that gains or loses it."""
    for image in images:
        image.is_primary = is_primary
        image.save(update_fields=["is_primary"])


def image_files_delete(*, names, storage) -> None:
    """Delete stored files by name (missing ones are fine: deleting twice is harmless)."""
    for name in names:
        if name:
            storage.delete(name)
