"""The catalog owns reservations now: copy the unexpired ones of open carts' lines into catalog.StockReservation
(holder "cart:<id>"), as they were. Backwards, the reservations become the lines' `reserved_until` again."""

from django.db import migrations
from django.utils import timezone

BATCH = 1000


def lines_to_reservations(apps, schema_editor):
    CartItem = apps.get_model("carts", "CartItem")
    StockReservation = apps.get_model("catalog", "StockReservation")
    lines = CartItem.objects.filter(cart__status="open", reserved_until__gt=timezone.now()).order_by("pk")
    StockReservation.objects.bulk_create(
        (
            StockReservation(
                holder=f"cart:{line.cart_id}",
                product_id=line.product_id,
                quantity=line.quantity,
                expires_at=line.reserved_until,
                created_at=line.created_at,
            )
            for line in lines.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )


def reservations_to_lines(apps, schema_editor):
    CartItem = apps.get_model("carts", "CartItem")
    StockReservation = apps.get_model("catalog", "StockReservation")
    for reservation in StockReservation.objects.filter(holder__startswith="cart:").iterator(chunk_size=BATCH):
        CartItem.objects.filter(cart_id=int(reservation.holder[5:]), product_id=reservation.product_id).update(
            reserved_until=reservation.expires_at
        )
    StockReservation.objects.filter(holder__startswith="cart:").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("carts", "0001_initial"),
        ("catalog", "0002_stockreservation"),
    ]

    operations = [migrations.RunPython(lines_to_reservations, reservations_to_lines)]
