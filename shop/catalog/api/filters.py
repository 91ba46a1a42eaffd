"""Query filters of the catalog lists. Every value is validated: a bad one is a 400 (shop.core.filters); the
filtering itself is `shop.catalog.selectors.product_filter`."""

from django import forms
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from shop.catalog.api.fields import MAX_ID, parse_ids, unknown_category_message
from shop.catalog.api.variants import OptionFilter
from shop.catalog.models import Category, Product
from shop.catalog.selectors import product_filter
from shop.core.filters import StrictBooleanFilter
from shop.core.permissions import sees_all


class CategoryRefField(forms.CharField):
    """A category id or slug (an id wins); cleans to the category's id (unknown → form error)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        pk = None
        if value.isascii() and value.isdigit() and int(value) <= MAX_ID:  # "³" is a digit to str, not to int()
            pk = Category.objects.filter(pk=int(value)).values_list("pk", flat=True).first()
        if pk is None:
            pk = Category.objects.filter(slug=value).values_list("pk", flat=True).first()
        if pk is None:
            raise forms.ValidationError(f"No category with id or slug {value!r}.", code="invalid")
        return pk


class CategoryIdListField(forms.CharField):
    """Comma-separated category ids; cleans to a list of ids, every one of which must exist."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            ids = parse_ids(value)
        except ValueError:
            raise forms.ValidationError("Enter category ids separated by commas, e.g. 1,3.", code="invalid") from None
        message = unknown_category_message(ids)
        if message:
            raise forms.ValidationError(message, code="invalid")
        return ids


class CategoryRefFilter(filters.CharFilter):
    field_class = CategoryRefField


class CategoryIdsFilter(filters.CharFilter):
    field_class = CategoryIdListField


class ProductFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError("price_min must not be greater than price_max.")
        return cleaned


class ProductFilterSet(filters.FilterSet):
    """Validates and documents the query; the filtering itself is `selectors.product_filter`."""

    category = CategoryRefFilter(help_text="A category id or slug.")
    category_ids = CategoryIdsFilter(
        help_text="Comma-separated category ids (any of); an unknown id is a 400 naming it."
    )
    price_min = filters.NumberFilter(field_name="price", lookup_expr="gte", min_value=0)
    price_max = filters.NumberFilter(field_name="price", lookup_expr="lte", min_value=0)
    in_stock = StrictBooleanFilter(help_text="true: stock > 0; false: stock = 0.")
    is_active = StrictBooleanFilter(help_text="Staff only (others get a 400): active or inactive products.")
    slug = filters.CharFilter(help_text="The product's slug (exact).")
    option = OptionFilter(help_text="`<attribute>:<value>`, repeatable (see Variants).")

    class Meta:
        model = Product
        fields = ("category", "category_ids", "price_min", "price_max", "in_stock", "is_active", "slug", "option")
        form = ProductFilterForm

    def filter_queryset(self, queryset):
        values = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        if "is_active" in values and not sees_all(getattr(self.request, "user", None), Product):
            raise ValidationError({"is_active": ["Only staff may filter on is_active."]})
        return product_filter(queryset, **values)


class CategoryFilterSet(filters.FilterSet):
    parent = filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        null_value="null",
        null_label="null",
        help_text="A parent category id, or `null` for top-level categories.",
    )

    class Meta:
        model = Category
        fields = ("parent",)
