"""The daily low-stock digest mailed to the catalog managers (beat: SCHEDULE_LOW_STOCK_DIGEST_AT)."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.catalog.models import LowStockDigest, Product
from shop.catalog.selectors import catalog_managers, product_list_low_stock

MAX_LISTED = 200  # products named in one mail; the rest are counted


def low_stock_digest_send(*, today: date | None = None) -> LowStockDigest | None:
    """Mail each catalog manager the active products at or below LOW_STOCK_THRESHOLD, once a day.

    Returns the day's record, or None when nothing was sent (no such product, no manager, or already sent
    today). The record is inserted before mailing and its unique date decides between two runs at once
    (two beats, two machines): the loser mails nothing. If mailing fails the record is deleted again, so a
    later run that day can send; the error propagates to the caller (the task logs it).
    """
    today = today or timezone.localdate()
    threshold = settings.LOW_STOCK_THRESHOLD
    products = product_list_low_stock(threshold=threshold)
    total = products.count()
    recipients = list(catalog_managers().values_list("email", flat=True))
    if not total or not recipients:
        return None
    try:
        with transaction.atomic():
            digest = LowStockDigest.objects.create(date=today, product_count=total, recipient_count=len(recipients))
    except IntegrityError:
        return None
    subject = f"Low stock: {total} product(s) at or below {threshold} units"
    body = _digest_body(list(products[:MAX_LISTED]), total, threshold, today)
    try:
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients])
    except BaseException:
        LowStockDigest.objects.filter(pk=digest.pk).delete()
        raise
    return digest


def _digest_body(products: list[Product], total: int, threshold: int, today: date) -> str:
    lines = [f"Active products with {threshold} units or fewer in stock on {today.isoformat()}:", ""]
    width = max(len(p.sku) for p in products)
    for product in products:
        level = "OUT OF STOCK" if product.stock == 0 else f"{product.stock} left"
        lines.append(f"{product.sku.ljust(width)}  {level:>12}  {product.title}")
    if total > len(products):
        lines.append(f"... and {total - len(products)} more.")
    lines += ["", "The admin lists them under Catalog > Products, filter 'stock level'."]
    return "\n".join(lines)
