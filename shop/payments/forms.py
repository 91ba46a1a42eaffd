"""The admin's forms for recording a manual payment and refunding an order (the rules are in the services)."""

from decimal import Decimal

from django import forms

from shop.orders.models import MONEY, Order

QUANTITY_PREFIX = "quantity_"


class RecordPaymentForm(forms.Form):
    amount = forms.DecimalField(**MONEY, min_value=Decimal("0.01"), help_text="Default: everything still due.")
    reference = forms.CharField(max_length=255, required=False, help_text="The bank transfer's reference, a receipt.")


class RefundForm(forms.Form):
    """One quantity per order line (what comes back), an optional amount, restock, and the reason."""

    amount = forms.DecimalField(
        **MONEY, min_value=Decimal("0.01"), required=False, help_text="Empty: the lines' share of what was charged."
    )
    restock = forms.BooleanField(required=False, help_text="Put the returned units back in stock.")
    reason = forms.CharField(max_length=255)

    def __init__(self, *args, order: Order, refunded: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        for item in order.items.all():
            left = item.quantity - refunded.get(item.pk, 0)
            self.fields[f"{QUANTITY_PREFIX}{item.pk}"] = forms.IntegerField(
                min_value=0, max_value=max(left, 0), initial=0, required=False,
                label=f"{item.sku} {item.title}", help_text=f"{item.quantity} bought, {left} left to refund.",
            )  # fmt: skip
        self.order_fields([*list(self.fields)[3:], "amount", "restock", "reason"])

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        lines = [
            {"item": int(name.removeprefix(QUANTITY_PREFIX)), "quantity": quantity}
            for name, quantity in data.items()
            if name.startswith(QUANTITY_PREFIX) and quantity
        ]
        return {"lines": lines, "amount": data["amount"], "restock": data["restock"], "reason": data["reason"]}
