"""Variants and options in the API: `/attributes/`, the variant part of a product document, and the `option`
filter. Rules are in shop.catalog.variants; this module only shapes and validates."""

from django import forms
from django.db import transaction
from django.utils.text import slugify
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from shop.catalog import variants
from shop.catalog.models import Attribute, AttributeValue, Product
from shop.catalog.selectors import products_prepare
from shop.core.i18n import TranslationsField
from shop.core.permissions import ModelPermissionsOrReadOnly
from shop.core.schema import problem_responses
from shop.core.serializers import StrictModelSerializer
from shop.core.translated import translations_save

MONEY = serializers.DecimalField(max_digits=10, decimal_places=2)  # formats prices without building fields
#: What a variant's document takes from its parent when its own is empty (its categories: `product_categories`;
#: `image` and `thumbnail`: `product_image_urls`).
INHERITED_FIELDS = ("title", "description", "images")

OPTION_PARAMETER = OpenApiParameter(
    "option",
    {"type": "array", "items": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+:[-a-zA-Z0-9_]+$"}},
    OpenApiParameter.QUERY,
    description="`<attribute slug>:<value slug>`, repeatable: products with an active variant having every named "
    "attribute's value (values of one attribute: any of). An unknown attribute or value is a 400.",
    style="form",
    explode=True,
)


# --- Attributes ------------------------------------------------------------------------------------


class AttributeValueSerializer(StrictModelSerializer):
    slug = serializers.SlugField(max_length=50, required=False, help_text="Defaults to the name's slug.")
    translations = TranslationsField(AttributeValue)

    class Meta:
        model = AttributeValue
        fields = ("id", "name", "slug", "translations")
        read_only_fields = ("id",)


class AttributeSerializer(StrictModelSerializer):
    values = AttributeValueSerializer(
        many=True, required=False, help_text="On write, the whole list: values are matched by slug."
    )
    slug = serializers.SlugField(max_length=50)
    translations = TranslationsField(Attribute)

    class Meta:
        model = Attribute
        fields = ("id", "name", "slug", "position", "values", "translations")
        read_only_fields = ("id",)


@extend_schema_view(
    destroy=extend_schema(responses={204: None, **problem_responses(409)}),
    update=extend_schema(responses={200: AttributeSerializer, **problem_responses(409)}),
    partial_update=extend_schema(responses={200: AttributeSerializer, **problem_responses(409)}),
)
class AttributeViewSet(viewsets.ModelViewSet):
    """What variants differ by (Size: S, M, L): anyone reads; writes need `catalog.add_/change_/delete_attribute`.
    Removing a value that variants use, or an attribute that products vary by, is a 409."""

    serializer_class = AttributeSerializer
    permission_classes = (ModelPermissionsOrReadOnly,)
    search_fields = ("name", "slug")
    ordering_fields = ("name", "position")

    def get_queryset(self):
        return Attribute.objects.prefetch_related("values")

    @transaction.atomic
    def perform_create(self, serializer):
        translations = serializer.validated_data.pop("translations", None)
        attribute = variants.attribute_create(**serializer.validated_data)
        _translations_save(attribute, translations, serializer.validated_data.get("values"))
        serializer.instance = self.get_queryset().get(pk=attribute.pk)

    @transaction.atomic
    def perform_update(self, serializer):
        translations = serializer.validated_data.pop("translations", None)
        attribute = variants.attribute_update(attribute=serializer.instance, **serializer.validated_data)
        _translations_save(attribute, translations, serializer.validated_data.get("values"))
        serializer.instance = self.get_queryset().get(pk=attribute.pk)

    def perform_destroy(self, instance):
        variants.attribute_delete(attribute=instance)


def _translations_save(attribute: Attribute, translations, values) -> None:
    """The attribute's translations and its values' (matched by slug, as `attribute_update` matches them)."""
    if translations:
        translations_save(instance=attribute, translations=translations)
    wanted = {
        value.get("slug") or slugify(value["name"])[:50]: value["translations"]
        for value in values or ()
        if value.get("translations")
    }
    for value in attribute.values.filter(slug__in=list(wanted)):
        translations_save(instance=value, translations=wanted[value.slug])


# --- Product documents ----------------------------------------------------------------------------


class ComputedMixin:
    """A field read from `variant_part` (what `variant_document` adds), so DRF's own field loop gives the same
    document as the serializer's direct one."""

    def get_attribute(self, instance):
        return variant_part(instance)[self.field_name]


class OptionsField(ComputedMixin, serializers.DictField):
    pass


class SlugListField(ComputedMixin, serializers.ListField):
    pass


class VariantListField(ComputedMixin, serializers.ListField):
    pass


class PriceRangeField(ComputedMixin, serializers.DictField):
    pass


class InStockField(ComputedMixin, serializers.BooleanField):
    pass


class VariantFieldsMixin(serializers.Serializer):
    """The product serializer's variant fields. `structure` and `parent` are set on create only."""

    structure = serializers.ChoiceField(choices=Product.Structure.choices, required=False)
    parent = serializers.IntegerField(
        source="parent_id",
        min_value=1,
        required=False,
        allow_null=True,
        help_text="A variant's parent product (structure parent).",
    )
    options = OptionsField(
        child=serializers.SlugField(), required=False, help_text='A variant\'s `{"<attribute>": "<value>"}`.'
    )
    option_attributes = SlugListField(
        child=serializers.SlugField(), required=False, help_text="A parent's attribute slugs its variants vary by."
    )
    variants = VariantListField(read_only=True, help_text="A parent's variants (customers: active ones).")
    price_range = PriceRangeField(read_only=True, allow_null=True, help_text='{"min", "max"} of a parent.')
    in_stock = InStockField(read_only=True, help_text="In stock; a parent: any active variant.")

    def validate(self, attrs):
        """A product keeps its structure and a variant its parent."""
        attrs = super().validate(attrs)
        if "parent_id" in attrs:
            attrs["parent"] = attrs.pop("parent_id")
        if self.instance is not None:
            for name, current in (("structure", self.instance.structure), ("parent", self.instance.parent_id)):
                if name in attrs and attrs.pop(name) != current:
                    raise serializers.ValidationError({name: ["Cannot be changed; create another product."]})
        return attrs


def variant_document(serializer, product: Product, document: dict) -> dict:
    """Add the variant fields to a product's document; a variant's empty fields come from its parent's."""
    if getattr(serializer, "_parent_part", False):
        return document
    request = serializer.context.get("request")
    products_prepare([product], user=getattr(request, "user", None))
    document.update(variant_part(product))
    if product.is_parent:
        document["stock"] = 0
    if product.is_child:
        _inherit(serializer, product, document)
    return document


def variant_part(product: Product) -> dict:
    """The variant fields of a prepared product's document (`products_prepare`)."""
    active = [variant for variant in product.variants.all() if variant.is_active] if product.is_parent else []
    summaries = [_variant_summary(v, product, MONEY) for v in product.variants.all()] if product.is_parent else []
    return {
        "structure": product.structure,
        "parent": product.parent_id,
        "options": variants.product_options(product),
        "option_attributes": variants.option_attribute_slugs(product),
        "variants": summaries,
        "price_range": _money_range(variants.price_range(active), MONEY),
        "in_stock": any(variant.stock > 0 for variant in active) if product.is_parent else product.stock > 0,
    }


def _variant_summary(variant: Product, parent: Product, price) -> dict:
    return {
        "id": variant.pk,
        "sku": variant.sku,
        "title": variant.title or parent.title,
        "price": price.to_representation(variant.price),
        "stock": variant.stock,
        "in_stock": variant.stock > 0,
        "is_active": variant.is_active,
        "options": variants.product_options(variant),
    }


def _money_range(prices: dict | None, price) -> dict | None:
    return {bound: price.to_representation(value) for bound, value in prices.items()} if prices else None


def _inherit(serializer, product: Product, document: dict) -> None:
    empty = [name for name in INHERITED_FIELDS if name in document and not document[name]]
    if not empty:
        return
    parent_document = _shallow_document(serializer, product.parent)
    document.update({name: parent_document[name] for name in empty if name in parent_document})


def _shallow_document(serializer, parent: Product) -> dict:
    """The parent's own fields (without its variants, which a variant's document does not need)."""
    serializer._parent_part = True
    try:
        return serializer.to_representation(parent)
    finally:
        serializer._parent_part = False


class ProductListSerializer(serializers.ListSerializer):
    """Prepares a page's parents and variants at once (`products_prepare`), in a few queries."""

    def to_representation(self, data):
        products = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        products_prepare(products, user=getattr(request, "user", None))
        return super().to_representation(products)


# --- The option filter -----------------------------------------------------------------------------


class OptionListField(forms.Field):
    """`option=size:m&option=colour:red` → `[("colour", ["red"]), ("size", ["m"])]` (values of one attribute:
    any of); an unknown attribute or value is a form error naming it."""

    widget = forms.MultipleHiddenInput

    def clean(self, value):
        pairs = [item for item in (value or []) if item]
        if not pairs:
            return None
        wanted = {}
        for item in pairs:
            attribute, sep, slug = str(item).partition(":")
            if not sep or not attribute or not slug:
                raise forms.ValidationError(f"{item!r} is not <attribute>:<value>, e.g. size:m.", code="invalid")
            wanted.setdefault(attribute, set()).add(slug)
        known = set(AttributeValue.objects.filter(attribute__slug__in=wanted).values_list("attribute__slug", "slug"))
        unknown = [f"{a}:{v}" for a, slugs in sorted(wanted.items()) for v in sorted(slugs) if (a, v) not in known]
        if unknown:
            raise forms.ValidationError(f"Unknown option values: {', '.join(unknown)}.", code="invalid")
        return [(attribute, sorted(slugs)) for attribute, slugs in sorted(wanted.items())]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class OptionFilter(filters.Filter):
    field_class = OptionListField
