"""POST data of the product page with its image inline."""


def product_page_data(product, *, uploads=(), existing=(), **changes) -> dict:
    """The product change (or add, for None) form: its fields, empty read-only inlines, and the image inline
    with `existing` rows ((image, changed fields)) followed by `uploads` (fields of new rows)."""
    data = {"title_en": "New", "slug": "new", "sku": "NEW-1", "price": "1.00", "stock": "0", "is_active": "on"}
    if product is not None:
        data.update({"title_en": product.title, "slug": product.slug, "sku": product.sku, "price": str(product.price)})
        data["stock"] = str(product.stock)
    data.update(changes)
    for prefix in ("stock_movements", "reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    rows = [_existing_row(image, fields) for image, fields in existing] + [dict(fields) for fields in uploads]
    data.update({"images-TOTAL_FORMS": len(rows), "images-INITIAL_FORMS": len(existing)})
    for i, row in enumerate(rows):
        data.update({f"images-{i}-{name}": value for name, value in row.items() if value is not None})
    return data


def _existing_row(image, fields: dict) -> dict:
    row = {"id": image.pk, "product": image.product_id, "alt": image.alt, "position": image.position}
    row["is_primary"] = "on" if image.is_primary else None
    row.update(fields)
    if row.get("is_primary") == "":
        row["is_primary"] = None
    return row
