"""FakeStore's documents, built from the shop's models: numbers where FakeStore has numbers (price and
rating are JSON numbers there, not the /api/v1/ decimal strings), camelCase where FakeStore has it."""

import re
from datetime import UTC

from shop.accounts.models import User
from shop.carts.models import Cart
from shop.catalog.models import Product
from shop.catalog.selectors import product_image_urls

LEADING_NUMBER = re.compile(r"^(\d{1,9})\s+(.*)$")


def product_document(product: Product, request=None) -> dict:
    """`image` is the catalog's rule (the primary uploaded image, else the external URL), absolute with a request."""
    categories = list(product.categories.all())  # prefetched by the catalog's selector, by id
    return {
        "id": product.pk,
        "title": product.title,
        "price": float(product.price),
        "description": product.description,
        "category": categories[0].name if categories else "",
        "image": product_image_urls(product, request=request).image,
        "rating": {"rate": float(product.rating_rate), "count": product.rating_count},
    }


def user_document(user: User) -> dict:
    """A customer as FakeStore shows one, without its password (FakeStore's own includes it: not here)."""
    return {
        "id": user.pk,
        "email": user.email,
        "username": user.username or "",
        "name": {"firstname": user.first_name, "lastname": user.last_name},
        "address": _address(user.default_addresses[0] if user.default_addresses else None),
        "phone": user.phone,
    }


def _address(address) -> dict:
    """FakeStore's address from the default one: its first line split into house number and street; the
    shop keeps no coordinates, so `geolocation` is null."""
    line = address.line1 if address else ""
    match = LEADING_NUMBER.match(line)
    return {
        "city": address.city if address else "",
        "street": match.group(2) if match else line,
        "number": int(match.group(1)) if match else None,
        "zipcode": address.postcode if address else "",
        "geolocation": {"lat": None, "long": None},
    }


def cart_document(cart: Cart) -> dict:
    return {
        "id": cart.pk,
        "userId": cart.user_id,
        "date": cart.created_at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "products": [{"productId": item.product_id, "quantity": item.quantity} for item in cart.items.all()],
    }
