"""Small generated product images (`generate_data --images N`): the first N products get one primary image
each, drawn here and put through `image_clean` like any upload (so the stored files and thumbnails are what
the shop itself would store), written through the storage and bulk-inserted."""

import io
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from shop.catalog.images import image_clean
from shop.catalog.models import PRODUCT_IMAGE_DIR, ProductImage
from shop.devdata.datagen.base import BASE_DATE, Progress, batch_transaction, chunked, insert

SIZE = (160, 120)


def create_images(*, rng: random.Random, product_ids: list[int], batch_size: int, progress: Progress) -> None:
    for numbers in chunked(len(product_ids), batch_size):
        rows = [_image(rng, product_ids[n]) for n in numbers]
        with batch_transaction():
            insert(ProductImage, rows, batch_size)
        progress.advance(len(rows))


def _image(rng: random.Random, product_id: int) -> ProductImage:
    clean = image_clean(SimpleUploadedFile("generated.png", _drawing(rng), content_type="image/png"))
    stem = f"{PRODUCT_IMAGE_DIR}/{product_id}/generated-{product_id}"
    file = default_storage.save(f"{stem}.{clean.extension}", ContentFile(clean.content))
    thumbnail = default_storage.save(f"{stem}-thumb.{clean.extension}", ContentFile(clean.thumbnail))
    return ProductImage(
        product_id=product_id,
        file=file,
        thumbnail=thumbnail,
        alt="Generated picture",
        is_primary=True,
        width=clean.width,
        height=clean.height,
        created_at=BASE_DATE,
    )


def _drawing(rng: random.Random) -> bytes:
    """A flat background with a circle and a bar in two other colours: small, and different per product."""
    colours = [tuple(rng.randint(0, 255) for _ in range(3)) for _ in range(3)]
    image = Image.new("RGB", SIZE, colours[0])
    draw = ImageDraw.Draw(image)
    x, y = rng.randint(10, 90), rng.randint(10, 50)
    draw.ellipse((x, y, x + 50, y + 50), fill=colours[1])
    draw.rectangle((0, SIZE[1] - 20, SIZE[0], SIZE[1]), fill=colours[2])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
