"""Query filters of the catalog lists. Every value is validated: a bad one is a 400 (shop.core.filters)."""

from django import forms
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from shop.catalog.api.fields import parse_ids, unknown_category_message
from shop.catalog.models import Category, Product
from shop.core.filters import StrictBooleanFilter
from shop.core.permissions import sees_all


class CategoryRefField(forms.CharField):
    """A category id or slug (an id wins); cleans to the category's id (unknown → form error)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        pk = None
        if value.isdigit():
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


def _in_categories(queryset, category_ids):
    """Products in any of the categories, without the duplicates a join on the M2M would give."""
    links = Product.categories.through.objects.filter(category_id__in=category_ids).values("product_id")
    return queryset.filter(pk__in=links)


class ProductFilterSet(filters.FilterSet):
    category = CategoryRefFilter(method="filter_category", help_text="A category id or slug.")
    category_ids = CategoryIdsFilter(
        method="filter_category_ids",
        help_text="Comma-separated category ids (any of); an unknown id is a 400 naming it.",
    )
    price_min = filters.NumberFilter(field_name="price", lookup_expr="gte", min_value=0)
    price_max = filters.NumberFilter(field_name="price", lookup_expr="lte", min_value=0)
    in_stock = StrictBooleanFilter(method="filter_in_stock", help_text="true: stock > 0; false: stock = 0.")
    is_active = StrictBooleanFilter(
        method="filter_is_active", help_text="Staff only (others get a 400): active or inactive products."
    )

    class Meta:
        model = Product
        fields = ("category", "category_ids", "price_min", "price_max", "in_stock", "is_active")
        form = ProductFilterForm

    def filter_category(self, queryset, name, value):
        return _in_categories(queryset, [value])

    def filter_category_ids(self, queryset, name, value):
        return _in_categories(queryset, value)

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(stock__gt=0) if value else queryset.filter(stock=0)

    def filter_is_active(self, queryset, name, value):
        if not sees_all(getattr(self.request, "user", None), Product):
            raise ValidationError({"is_active": ["Only staff may filter on is_active."]})
        return queryset.filter(is_active=value)


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
