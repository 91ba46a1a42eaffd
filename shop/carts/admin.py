from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import transaction
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from shop.accounts.models import User
from shop.carts.models import Cart, CartItem
from shop.carts.resources import CartResource
from shop.carts.services import cart_abandon, cart_apply_changes, cart_clear, cart_holder, cart_merge
from shop.catalog.selectors import stock_reservations
from shop.core.admin_actions import error_text, form_for_action, render_action_form, run_per_object
from shop.core.exceptions import DomainError, InsufficientStock
from shop.core.importexport import ShopImportExportMixin
from shop.core.money import MoneyField


class _DryRun(Exception):
    pass


class CartItemFormSet(BaseInlineFormSet):
    """The edited lines are checked by the cart service itself (`cart_apply_changes`, rolled back), so the
    page shows each rule it enforces (stock, lines per cart, an open cart) with the shortage on its line;
    the save then goes through the same service."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        changes = self.changes()
        if not any(changes.values()):
            return
        try:
            with transaction.atomic():
                cart_apply_changes(cart=self.instance, **changes)
                raise _DryRun
        except _DryRun:
            pass
        except InsufficientStock as exc:
            self._show_shortages(exc.shortages)
        except DomainError as exc:
            raise forms.ValidationError(error_text(exc)) from None

    def _show_shortages(self, shortages: list[dict]) -> None:
        short = {shortage["product"]: shortage["available"] for shortage in shortages}
        for form in self.forms:
            product = form.cleaned_data.get("product")
            if product is not None and product.pk in short and not form.cleaned_data.get("DELETE"):
                form.add_error("quantity", f"Only {short[product.pk]} available.")

    def changes(self) -> dict:
        """The formset as one `cart_apply_changes` call: replaced or deleted lines are removed first."""
        add, update, remove = [], [], []
        for form in self.forms:
            if not form.has_changed() or not form.cleaned_data:
                continue
            old, data = form.instance, form.cleaned_data
            if old.pk and (data.get("DELETE") or old.product_id != data["product"].pk):
                remove.append(old.product_id)
            if data.get("DELETE"):
                continue
            op = {"product": data["product"].pk, "quantity": data["quantity"]}
            (update if old.pk and old.product_id == data["product"].pk else add).append(op)
        kept = {op["product"] for op in update}
        return {"add": add, "update": update, "remove": [pk for pk in remove if pk not in kept]}


def _is_open(cart) -> bool:
    return cart is None or cart.status == Cart.Status.OPEN


class CartItemInline(admin.TabularInline):
    """Lines are edited only while the cart is open; an ordered or abandoned cart shows them read-only."""

    model = CartItem
    formset = CartItemFormSet
    extra = 0
    fields = ("product", "quantity")
    autocomplete_fields = ("product",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    def has_add_permission(self, request, obj=None):
        return _is_open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_open(obj) and super().has_delete_permission(request, obj)


class CartAgeFilter(admin.SimpleListFilter):
    title = "last change"
    parameter_name = "age"
    AGES = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "7d": timedelta(days=7)}

    def lookups(self, request, model_admin):
        return (
            ("1h", "Within the hour"),
            ("1d", "Within a day"),
            ("7d", "Within a week"),
            ("old", "Older than a week"),
        )

    def queryset(self, request, queryset):
        if self.value() == "old":
            return queryset.filter(updated_at__lt=timezone.now() - self.AGES["7d"])
        if self.value() in self.AGES:
            return queryset.filter(updated_at__gte=timezone.now() - self.AGES[self.value()])
        return queryset


class MergeForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.all(),
        widget=AutocompleteSelect(Cart._meta.get_field("user"), admin.site),
        help_text="The customer whose open cart receives the guest cart's lines.",
    )


@admin.register(Cart)
class CartAdmin(ShopImportExportMixin, admin.ModelAdmin):
    resource_classes = (CartResource,)
    list_display = ("id", "owner", "status", "item_count", "total", "updated_at")
    list_filter = ("status", CartAgeFilter)
    search_fields = ("user__email", "session_key")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    readonly_fields = ("user", "session_key", "status", "held_stock", "expires_at", "created_at", "updated_at")
    inlines = (CartItemInline,)
    actions = ("clear", "abandon", "merge_into_user")
    show_full_result_count = False

    def get_queryset(self, request):
        line_total = F("items__quantity") * F("items__product__price")
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_items=Count("items"),
                total=Coalesce(Sum(line_total), Value(0), output_field=MoneyField()),
            )
        )

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("items__product")

    def has_add_permission(self, request):
        return False  # carts are created by customers through the API

    @admin.display(description="owner", ordering="user__email")
    def owner(self, obj):
        return obj.user.email if obj.user_id else f"guest {obj.session_key}"

    @admin.display(description="stock held")
    def held_stock(self, obj):
        """The units the cart's reservations hold (a guest's cart and units beyond the per-line cap hold none)."""
        held = stock_reservations(holder=cart_holder(obj.pk)).select_related("product")
        return ", ".join(f"{r.quantity} x {r.product.sku}" for r in held) or "none"

    @admin.display(description="items", ordering="n_items")
    def item_count(self, obj):
        return obj.n_items

    @admin.display(description="total", ordering="total")
    def total(self, obj):
        return obj.total

    def has_change_permission(self, request, obj=None):
        """A cart that is no longer open is a record: its page is read-only (the list's actions stay)."""
        return _is_open(obj) and super().has_change_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, CartItemFormSet):
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the change log
        changes = formset.changes()
        if not any(changes.values()):
            return None
        try:
            cart_apply_changes(cart=form.instance, **changes)
        except DomainError as exc:  # lost a race since the formset was checked: keep nothing
            transaction.set_rollback(True)
            self.message_user(request, f"The cart was not changed: {error_text(exc)}", messages.ERROR)
        return None

    @admin.action(permissions=["change"], description="Clear selected carts")
    def clear(self, request, queryset):
        run_per_object(self, request, queryset, lambda cart: cart_clear(cart=cart), done="cart(s) cleared")

    @admin.action(permissions=["change"], description="Abandon selected carts")
    def abandon(self, request, queryset):
        run_per_object(self, request, queryset, lambda cart: cart_abandon(cart=cart), done="cart(s) abandoned")

    @admin.action(permissions=["change"], description="Merge selected guest cart into a customer's cart…")
    def merge_into_user(self, request, queryset):
        form = form_for_action(request, MergeForm)
        if form.is_bound and form.is_valid():
            user = form.cleaned_data["user"]
            run_per_object(
                self, request, queryset, lambda cart: cart_merge(guest_cart=cart, user=user), done="cart(s) merged"
            )
            return None
        intro = "The lines of each selected guest cart move into the customer's open cart (capped by stock)."
        return render_action_form(
            self, request, queryset, form, action="merge_into_user", title="Merge carts", intro=intro
        )
