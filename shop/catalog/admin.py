from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from shop.catalog.models import Category, Product, Rating, StockMovement
from shop.catalog.resources import CategoryResource, ProductResource, RatingResource
from shop.catalog.services import category_delete, product_update, stock_adjust
from shop.core.admin_actions import error_text, form_for_action, render_action_form
from shop.core.exceptions import DomainError
from shop.core.importexport import ShopImportExportMixin

INLINE_LIMIT = 20


# --- Categories -----------------------------------------------------------------------------------


def _delete_refusal(categories) -> str:
    """Why these categories may not be deleted ("" when they may): products still filed under them."""
    with_products = [f"{c.name} ({c.n})" for c in categories.annotate(n=Count("products")).filter(n__gt=0)]
    if with_products:
        return "Cannot delete categories that still have products; move them first: " + ", ".join(with_products)
    return ""


@admin.action(permissions=["delete"], description="Delete selected categories")
def delete_selected_categories(modeladmin, request, queryset):
    refusal = _delete_refusal(queryset)
    if refusal:
        modeladmin.message_user(request, refusal, messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


@admin.register(Category)
class CategoryAdmin(ShopImportExportMixin, admin.ModelAdmin):
    resource_classes = (CategoryResource,)
    list_display = ("tree_name", "slug", "product_count", "path")
    list_display_links = ("tree_name",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    ordering = ("path",)
    readonly_fields = ("path", "depth")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_products=Count("products"))

    @admin.display(description="name", ordering="path")
    def tree_name(self, obj):
        return format_html(
            '<span style="padding-left:{}em">{}{}</span>', obj.depth * 1.5, "└ " if obj.depth else "", obj.name
        )

    @admin.display(description="products", ordering="n_products")
    def product_count(self, obj):
        url = reverse("admin:catalog_product_changelist")
        return format_html('<a href="{}?categories__id__exact={}">{}</a>', url, obj.pk, obj.n_products)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, _, description = self.get_action(delete_selected_categories)
            actions["delete_selected"] = (func, "delete_selected", description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        refusal = _delete_refusal(Category.objects.filter(pk=unquote(object_id)))
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:catalog_category_change", args=[object_id]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        category_delete(category=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for category in queryset.order_by("-depth"):  # children before their parents
            category_delete(category=category)


# --- Products -------------------------------------------------------------------------------------


class StockLevelFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "stock_level"

    def lookups(self, request, model_admin):
        low = settings.LOW_STOCK_THRESHOLD
        return (("out", "Out of stock"), ("low", f"Low (1 to {low})"), ("in", f"In stock (over {low})"))

    def queryset(self, request, queryset):
        low = settings.LOW_STOCK_THRESHOLD
        filters = {"out": {"stock": 0}, "low": {"stock__gt": 0, "stock__lte": low}, "in": {"stock__gt": low}}
        return queryset.filter(**filters[self.value()]) if self.value() in filters else queryset


class StockAdjustForm(forms.Form):
    delta = forms.IntegerField(label="Change by", help_text="Signed: 5 adds five units, -3 removes three.")
    reason = forms.ChoiceField(
        choices=[(r.value, r.label) for r in (StockMovement.Reason.ADJUSTMENT, StockMovement.Reason.RETURN)]
    )
    note = forms.CharField(max_length=100, required=False, help_text="Stored as the movement's reference.")

    def clean_delta(self):
        if self.cleaned_data["delta"] == 0:
            raise forms.ValidationError("Enter a change other than 0.")
        return self.cleaned_data["delta"]


class StockMovementInline(admin.TabularInline):
    """The latest movements, read-only; the full ledger is linked from the product page."""

    model = StockMovement
    fields = ("created_at", "delta", "reason", "reference", "user")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = f"latest stock movements (up to {INLINE_LIMIT})"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type("LatestFormSet", (formset,), {"get_queryset": _latest_queryset})

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _latest_queryset(formset):
    if not hasattr(formset, "_latest"):
        formset._latest = list(super(type(formset), formset).get_queryset()[:INLINE_LIMIT])
    return formset._latest


class RatingInline(StockMovementInline):
    model = Rating
    fields = ("created_at", "user", "value")
    readonly_fields = fields
    verbose_name_plural = f"latest ratings (up to {INLINE_LIMIT})"


@admin.register(Product)
class ProductAdmin(ShopImportExportMixin, admin.ModelAdmin):
    resource_classes = (ProductResource,)
    list_display = ("thumbnail", "title", "sku", "price", "stock", "is_active", "rating", "category_list")
    list_display_links = ("title",)
    list_editable = ("price", "stock", "is_active")
    list_filter = (StockLevelFilter, "is_active", "categories")
    search_fields = ("title", "sku", "slug")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("categories",)
    readonly_fields = ("rating_rate", "rating_count", "all_movements", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "sku", "description", "image", "categories", "is_active")}),
        ("Price and stock", {"fields": ("price", "stock", "all_movements")}),
        ("Ratings", {"fields": ("rating_rate", "rating_count")}),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (StockMovementInline, RatingInline)
    actions = ("activate", "deactivate", "adjust_stock")
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    def get_changelist_form(self, request, **kwargs):
        narrow = {"price": forms.TextInput(attrs={"size": 8}), "stock": forms.NumberInput(attrs={"style": "width:6em"})}
        return super().get_changelist_form(request, widgets=narrow, **kwargs)

    @admin.display(description="")
    def thumbnail(self, obj):
        if not obj.image:
            return ""
        return format_html('<img src="{}" alt="" width="40" height="40" style="object-fit:contain">', obj.image)

    @admin.display(description="rating", ordering="rating_rate")
    def rating(self, obj):
        return f"{obj.rating_rate} ({obj.rating_count})"

    @admin.display(description="categories")
    def category_list(self, obj):
        return ", ".join(category.name for category in obj.categories.all())

    @admin.display(description="ledger")
    def all_movements(self, obj):
        if not obj.pk:
            return "-"
        url = reverse("admin:catalog_stockmovement_changelist")
        return format_html('<a href="{}?product__id__exact={}">All stock movements</a>', url, obj.pk)

    def save_model(self, request, obj, form, change):
        """Stock is never saved with the row: it moves through the ledger (`stock_set`, one movement)."""
        if not change:
            stock, obj.stock = obj.stock, 0
            obj.save()
            if stock:
                stock_adjust(product=obj, delta=stock, reason=StockMovement.Reason.INITIAL, user=request.user)
            return
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name not in ("stock", "categories")}
        stock = obj.stock if "stock" in form.changed_data else None
        product_update(product=obj, fields=fields, stock=stock, user=request.user)

    @admin.action(permissions=["change"], description="Activate selected products")
    def activate(self, request, queryset):
        count = _set_active(queryset, True)
        self.message_user(request, f"{count} product(s) activated.", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Deactivate selected products")
    def deactivate(self, request, queryset):
        count = _set_active(queryset, False)
        self.message_user(request, f"{count} product(s) deactivated.", messages.SUCCESS)

    @admin.action(permissions=["change"], description="Adjust stock of selected products…")
    def adjust_stock(self, request, queryset):
        form = form_for_action(request, StockAdjustForm)
        if form.is_bound and form.is_valid():
            try:
                _adjust_all(queryset, form.cleaned_data, request.user)
            except DomainError as exc:
                self.message_user(request, f"Nothing changed: {error_text(exc)}", messages.ERROR)
            else:
                self.message_user(request, f"Stock of {queryset.count()} product(s) adjusted.", messages.SUCCESS)
            return None
        return render_action_form(self, request, queryset, form, action="adjust_stock", title="Adjust stock")


@transaction.atomic
def _set_active(queryset, active: bool) -> int:
    """Each product saved through `product_update`, so the audit log records who switched which one."""
    products = list(queryset.exclude(is_active=active).order_by("pk"))
    for product in products:
        product_update(product=product, fields={"is_active": active})
    return len(products)


@transaction.atomic
def _adjust_all(queryset, data, user) -> None:
    """All or nothing: one product short of stock leaves every selected product unchanged."""
    for product in queryset.order_by("pk"):
        stock_adjust(product=product, delta=data["delta"], reason=data["reason"], reference=data["note"], user=user)


@admin.register(Rating)
class RatingAdmin(ShopImportExportMixin, admin.ModelAdmin):
    resource_classes = (RatingResource,)
    list_display = ("product", "user", "value", "created_at")
    list_filter = ("value",)
    search_fields = ("product__sku", "product__title", "user__email")
    list_select_related = ("product", "user")
    autocomplete_fields = ("product", "user")
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False  # ratings belong to customers; the summary on the product follows them

    def has_add_permission(self, request):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ("created_at", "product", "delta", "reason", "reference", "user")
    list_filter = ("reason", "created_at")
    search_fields = ("product__sku", "reference")
    list_select_related = ("product", "user")
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
