from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from modeltranslation.admin import TranslationAdmin

from shop.accounts.models import User
from shop.catalog import selectors
from shop.catalog.admin_images import ProductImageInline, product_thumbnail
from shop.catalog.admin_variants import (
    ProductVariantForm,
    StructureFilter,
    VariantAdminMixin,
    VariantInline,
    variant_values,
)
from shop.catalog.models import (
    ADJUST_STOCK_PERMISSION,
    MAX_STOCK,
    Category,
    Product,
    Review,
    StockMovement,
    WishlistItem,
)
from shop.catalog.resources import CategoryResource, ProductResource, ReviewResource
from shop.catalog.reviews import may_moderate, review_delete, review_moderate_many
from shop.catalog.services import (
    PRODUCT_FIELDS,
    PRODUCT_HAS_HISTORY,
    category_check_deletable,
    category_check_parent,
    category_create,
    category_delete,
    category_delete_many,
    category_update,
    product_create,
    product_delete,
    product_set_active,
    product_update,
    stock_adjust,
)
from shop.core.admin_actions import RefusableDeleteMixin, error_text, form_for_action, render_action_form
from shop.core.admin_lists import DirectRenderingMixin
from shop.core.exceptions import Conflict, DomainError, InvalidInput
from shop.core.i18n import localized
from shop.core.importexport import ShopImportExportMixin
from shop.core.permissions import sees_all
from shop.core.translated import form_translations, form_values, per_language

INLINE_LIMIT = 20
TITLE_CHARS = 48  # keeps the product and stock movement lists within a 1366 px screen
#: The product page's first fieldset: title and description in each language side by side.
PRODUCT_MAIN = (per_language("title"), "slug", "sku", per_language("description"), "image", "categories", "is_active")


# --- Categories -----------------------------------------------------------------------------------


class CategoryForm(forms.ModelForm):
    """Shows a parent that would make a cycle as a field error; the save checks again under the tree lock."""

    class Meta:
        model = Category
        fields = ("name", "slug", "parent", "description")

    def clean(self):
        cleaned = super().clean()
        if "parent" in self.changed_data and self.instance.pk:
            try:
                category_check_parent(category=self.instance, parent=cleaned.get("parent"))
            except InvalidInput as exc:
                raise forms.ValidationError(exc.errors) from None
        return cleaned


@admin.register(Category)
class CategoryAdmin(RefusableDeleteMixin, ShopImportExportMixin, TranslationAdmin):
    """Name and description in each language side by side (the default language's name required)."""

    resource_classes = (CategoryResource,)
    form = CategoryForm
    fields = (per_language("name"), "slug", "parent", per_language("description"), "path", "depth")
    list_display = ("tree_name", "slug", "product_count", "path")
    list_display_links = ("tree_name",)
    search_fields = (*per_language("name"), "slug")
    prepopulated_fields = {"slug": (localized("name"),)}
    autocomplete_fields = ("parent",)
    ordering = ("path",)
    readonly_fields = ("path", "depth")

    def get_queryset(self, request):
        return selectors.category_list_with_product_counts()

    @admin.display(description="name", ordering="path")
    def tree_name(self, obj):
        return format_html(
            '<span style="padding-left:{}em">{}{}</span>', obj.depth * 1.5, "└ " if obj.depth else "", obj.name
        )

    @admin.display(description="products", ordering="n_products")
    def product_count(self, obj):
        url = reverse("admin:catalog_product_changelist")
        return format_html('<a href="{}?categories__id__exact={}">{}</a>', url, obj.pk, obj.n_products)

    def delete_refusal(self, queryset) -> str:
        """The service's refusal (products or subcategories left), asked before the confirmation page; the
        delete itself checks again under the row locks."""
        try:
            category_check_deletable(categories=queryset)
        except Conflict as exc:
            return error_text(exc)
        return ""

    def save_model(self, request, obj, form, change):
        """Through `category_create` / `category_update`, as the API and the import do (a move takes the tree
        lock); a move that lost a race since the form was checked changes nothing."""
        values = form_values(form.cleaned_data, CategoryForm.Meta.fields)
        translations = form_translations(form.cleaned_data, CategoryForm.Meta.fields)
        if not change:
            obj.pk = category_create(**values, translations=translations).pk
            obj.refresh_from_db()
            return
        try:
            category_update(category=obj, **values, translations=translations)
        except DomainError as exc:
            transaction.set_rollback(True)
            self.message_user(request, f"The category was not changed: {error_text(exc)}", messages.ERROR)

    def get_deleted_objects(self, objs, request):
        """Django sees a subcategory as protecting its parent even when both are selected; the service
        deletes subcategories first, and `delete_refusal` has already refused the rest."""
        deleted, counts, perms_needed, _protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, []

    def delete_model(self, request, obj):
        category_delete(category=obj)

    def delete_queryset(self, request, queryset):
        category_delete_many(categories=queryset)


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
    delta = forms.IntegerField(
        label="Change by",
        min_value=-MAX_STOCK,
        max_value=MAX_STOCK,
        help_text="Signed: 5 adds five units, -3 removes three.",
    )
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


class ReviewInline(StockMovementInline):
    model = Review
    fields = ("created_at", "user", "rating", "status", "title")
    readonly_fields = fields
    verbose_name_plural = f"latest reviews (up to {INLINE_LIMIT}; moderate them under Reviews)"


def short_title(product: Product):
    """The title cut to TITLE_CHARS, the whole of it on hover."""
    return format_html('<span title="{}">{}</span>', product.title, Truncator(product.title).chars(TITLE_CHARS))


@admin.register(Product)
class ProductAdmin(
    VariantAdminMixin, DirectRenderingMixin, RefusableDeleteMixin, ShopImportExportMixin, TranslationAdmin
):
    """Title and description in each language side by side; the changelist shows the admin's language."""

    resource_classes = (ProductResource,)
    form = ProductVariantForm
    list_display = ("thumbnail", "list_title", "sku", "price", "stock", "is_active", "rating", "category_list")
    list_display_links = ("list_title",)
    list_editable = ("price", "stock", "is_active")
    list_filter = (StructureFilter, StockLevelFilter, "is_active", "categories")
    search_fields = (*per_language("title"), "sku", "slug", "variants__sku")
    prepopulated_fields = {"slug": (localized("title"),)}
    autocomplete_fields = ("categories", "parent")
    readonly_fields = ("rating_rate", "rating_count", "all_movements", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": PRODUCT_MAIN}),
        ("Price and stock", {"fields": ("price", "stock", "all_movements")}),
        ("Variants", {"fields": ("structure", "parent", "option_attributes", "options_text")}),
        ("Ratings", {"fields": ("rating_rate", "rating_count")}),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (VariantInline, ProductImageInline, StockMovementInline, ReviewInline)
    actions = ("activate", "deactivate", "adjust_stock", "generate_variants")
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return self.variant_queryset(selectors.product_list(user=request.user, variants=True))

    def get_inlines(self, request, obj):
        return [inline for inline in self.inlines if inline is not VariantInline or (obj and obj.is_parent)]

    def get_changelist_form(self, request, **kwargs):
        narrow = {"price": forms.TextInput(attrs={"size": 7}), "stock": forms.NumberInput(attrs={"style": "width:5em"})}
        form = self.parent_aware_changelist_form(super().get_changelist_form(request, widgets=narrow, **kwargs))
        if not self.has_adjust_stock_permission(request):
            form.base_fields["stock"].disabled = True  # shown, never saved without catalog.adjust_stock
        return form

    @admin.display(description="")
    def thumbnail(self, obj):
        return product_thumbnail(obj)

    @admin.display(description="title", ordering="title")
    def list_title(self, obj):
        """The title, and under it what a parent holds or a variant is (in the cell, so the list fits 1366 px)."""
        info = self.variant_info(obj)
        return format_html("{}<br><small>{}</small>", short_title(obj), info) if info else short_title(obj)

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

    def delete_refusal(self, queryset) -> str:
        kept = [product.title for product in selectors.products_with_history(queryset)]
        return f"Not deleted: {', '.join(kept)}. {PRODUCT_HAS_HISTORY}" if kept else ""

    def delete_model(self, request, obj):
        product_delete(product=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for product in queryset.order_by("pk"):
            product_delete(product=product)

    def save_model(self, request, obj, form, change):
        """Through the product services: stock moves through the ledger, categories are set with the row, the
        other languages go as `translations` (the default language's fields are the fields themselves)."""
        data, changed = form.cleaned_data, set(form.changed_data)
        if not change:
            values = form_values(data, PRODUCT_FIELDS)
            categories = data.get("categories") or ()
            stock = data.get("stock") or 0
            product = product_create(
                **values, categories=categories, stock=stock, translations=form_translations(data, PRODUCT_FIELDS),
                **variant_values(form, change), by=request.user,
            )  # fmt: skip
            obj.pk = product.pk
            obj.refresh_from_db()
            return
        edited = {name: data[name] for name in changed if name in data}
        product_update(
            product=obj,
            **form_values(edited, PRODUCT_FIELDS),
            translations=form_translations(edited, PRODUCT_FIELDS),
            categories=data["categories"] if "categories" in changed else None,
            stock=data["stock"] if "stock" in changed else None,
            **variant_values(form, change),
            by=request.user,
        )

    def save_related(self, request, form, formsets, change):
        """The categories were set by the service; only the (read-only) inlines are left."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(permissions=["change"], description="Activate selected products")
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(permissions=["change"], description="Deactivate selected products")
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    def _set_active(self, request, queryset, is_active: bool) -> None:
        changed = product_set_active(products=queryset, is_active=is_active)
        state = "activated" if is_active else "deactivated"
        already = queryset.count() - changed
        note = f" ({already} already {'active' if is_active else 'inactive'})" if already else ""
        self.message_user(request, f"{changed} product(s) {state}{note}.", messages.SUCCESS)

    def has_adjust_stock_permission(self, request):
        return request.user.has_perm(ADJUST_STOCK_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        readonly = (*super().get_readonly_fields(request, obj), *self.variant_readonly_fields(obj))
        return readonly if obj is None or self.has_adjust_stock_permission(request) else (*readonly, "stock")

    @admin.action(permissions=["adjust_stock"], description="Adjust stock of selected products…")
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
@transaction.atomic
def _adjust_all(queryset, data, user) -> None:
    """All or nothing: one product short of stock leaves every selected product unchanged."""
    for product in queryset.order_by("pk"):
        stock_adjust(product=product, delta=data["delta"], reason=data["reason"], reference=data["note"], by=user)


@admin.register(Review)
class ReviewAdmin(ShopImportExportMixin, admin.ModelAdmin):
    """Moderation: approve and reject (the same service as the API), filters by status, rating and verified
    purchase. Reviews belong to customers: nobody edits their words here, and deleting one goes through
    `review_delete`, so the product's summary follows. Text is shown escaped, as everything the admin shows."""

    resource_classes = (ReviewResource,)
    list_display = ("created_at", "product_title", "user", "rating", "excerpt", "status", "verified_purchase")
    list_filter = ("status", "rating", "verified_purchase")
    search_fields = ("product__sku", "product__title", "user__email", "title")
    list_select_related = ("product", "user")
    fields = ("product", "user", "rating", "title", "body", "status", "verified_purchase", "created_at", "updated_at")
    readonly_fields = fields
    actions = ("approve", "reject")
    show_full_result_count = False

    @admin.display(description="product", ordering="product__title")
    def product_title(self, obj):
        return short_title(obj.product)

    @admin.display(description="review")
    def excerpt(self, obj):
        text = " — ".join(part for part in (obj.title, obj.body) if part)
        return format_html('<span title="{}">{}</span>', text, Truncator(text).chars(TITLE_CHARS)) if text else "-"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the page is read-only; moderation is the actions'

    def has_moderate_permission(self, request):
        return may_moderate(request.user)

    @admin.action(permissions=["moderate"], description="Approve selected reviews")
    def approve(self, request, queryset):
        self._moderate(request, queryset, Review.Status.APPROVED)

    @admin.action(permissions=["moderate"], description="Reject selected reviews")
    def reject(self, request, queryset):
        self._moderate(request, queryset, Review.Status.REJECTED)

    def _moderate(self, request, queryset, status: str) -> None:
        changed = review_moderate_many(reviews=queryset, status=status, by=request.user)
        already = queryset.count() - changed
        note = f" ({already} already {status})" if already else ""
        self.message_user(request, f"{changed} review(s) {status}{note}.", messages.SUCCESS)

    def delete_model(self, request, obj):
        review_delete(review=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for review in queryset.order_by("product_id", "pk"):
            review_delete(review=review)


class WishlistInline(admin.TabularInline):
    """A customer's wishlist, read-only, on their page (shop.backoffice.admin.CustomerAdmin)."""

    model = WishlistItem
    fields = ("product", "is_active", "added_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "wishlist"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    @admin.display(description="active", boolean=True)
    def is_active(self, obj):
        return obj.product.is_active

    def has_view_permission(self, request, obj=None):
        """Part of the customer's page: whoever may see the customer sees their wishlist."""
        return sees_all(request.user, User)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ("created_at", "product_sku", "product_title", "delta", "reason", "user", "reference")
    list_filter = ("reason", "created_at")
    search_fields = ("product__sku", "reference")
    list_select_related = ("product", "user")
    show_full_result_count = False

    @admin.display(description="SKU", ordering="product__sku")
    def product_sku(self, obj):
        return obj.product.sku

    @admin.display(description="product", ordering="product__title")
    def product_title(self, obj):
        return short_title(obj.product)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
