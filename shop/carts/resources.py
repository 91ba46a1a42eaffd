"""Import/export of carts with their lines (`lines` = "SKU:quantity|SKU:quantity").

Lines are written through `cart_apply_changes`, so an imported cart obeys the same stock checks and
reservations as one filled through the API; lines can be imported only into open carts.
"""

from django.core.exceptions import ValidationError
from import_export import fields
from import_export.widgets import CharWidget

from shop.accounts.models import User
from shop.carts.models import Cart
from shop.carts.services import cart_apply_changes
from shop.catalog.models import Product
from shop.core.importexport import KeyForeignKeyWidget, ShopResource

LINE_SEPARATOR, QUANTITY_SEPARATOR = "|", ":"


def render_items(cart: Cart) -> str:
    return LINE_SEPARATOR.join(f"{item.product.sku}{QUANTITY_SEPARATOR}{item.quantity}" for item in cart.items.all())


def _is_number(text: str) -> bool:
    """ASCII digits only: "³" and "٣" are digits to `str.isdigit`, but not numbers to `int()`."""
    return text.strip().isascii() and text.strip().isdigit()


def parse_items(text) -> dict[str, int]:
    """{"SKU": quantity} from "SKU:2|SKU2:1"; ValueError with a readable message on bad input."""
    lines = {}
    for part in filter(None, (p.strip() for p in str(text or "").split(LINE_SEPARATOR))):
        sku, sep, quantity = part.rpartition(QUANTITY_SEPARATOR)
        if not sep or not sku or not _is_number(quantity) or int(quantity) < 1:
            raise ValueError(f"{part!r} is not SKU{QUANTITY_SEPARATOR}quantity with a quantity of at least 1.")
        lines[sku.strip()] = lines.get(sku.strip(), 0) + int(quantity)
    return lines


class BlankIsNoneWidget(CharWidget):
    """An empty cell is "no session key" (NULL), as the unique constraint on open guest carts expects."""

    def clean(self, value, row=None, **kwargs):
        return (super().clean(value, row, **kwargs) or "").strip() or None


class CartResource(ShopResource):
    user = fields.Field(attribute="user", column_name="user", widget=KeyForeignKeyWidget(User, field="email"))
    session_key = fields.Field(attribute="session_key", column_name="session_key", widget=BlankIsNoneWidget())
    lines = fields.Field(column_name="lines")
    updated_at = fields.Field(attribute="updated_at", column_name="updated_at", readonly=True)

    class Meta:
        model = Cart
        fields = ("id", "user", "session_key", "status", "lines", "updated_at")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True

    def dehydrate_lines(self, cart):
        return render_items(cart) if cart.pk else ""

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            wanted = parse_items(row.get("lines"))
            self._check_lines(instance, wanted)
        except ValueError as exc:
            errors["lines"] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _check_lines(cart: Cart, wanted: dict[str, int]) -> None:
        if wanted and cart.status != Cart.Status.OPEN:
            raise ValueError("Lines can be imported only into an open cart.")
        unknown = set(wanted) - set(Product.objects.filter(sku__in=wanted).values_list("sku", flat=True))
        if unknown:
            raise ValueError(f"No product with sku {', '.join(sorted(unknown))}.")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        lines_changed = original is not None and original.pk and "lines" in row
        if lines_changed and parse_items(row["lines"]) != parse_items(render_items(original)):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        if "lines" not in row or instance.status != Cart.Status.OPEN:
            return
        wanted = parse_items(row["lines"])
        ids = dict(Product.objects.filter(sku__in=wanted).values_list("sku", "pk"))
        current = set(instance.items.values_list("product_id", flat=True))
        update = [{"product": ids[sku], "quantity": qty} for sku, qty in wanted.items() if ids[sku] in current]
        add = [{"product": ids[sku], "quantity": qty} for sku, qty in wanted.items() if ids[sku] not in current]
        remove = list(current - set(ids.values()))
        cart_apply_changes(cart=instance, add=add, update=update, remove=remove)
