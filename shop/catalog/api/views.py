"""Catalog endpoints. Views stay thin: reads through shop.catalog.selectors, state changes through
shop.catalog.services."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from shop.catalog import selectors, services
from shop.catalog.api.filters import CategoryFilterSet, ProductFilterSet
from shop.catalog.api.reviews import ProductReviewActions
from shop.catalog.api.serializers import CategorySerializer, ProductSerializer
from shop.catalog.api.variants import OPTION_PARAMETER
from shop.catalog.models import ADJUST_STOCK_PERMISSION
from shop.core.permissions import ModelPermissionsOrReadOnly
from shop.core.schema import problem_responses

CATEGORY_IDS_PARAMETER = OpenApiParameter(
    "category_ids",
    {"type": "array", "items": {"type": "integer", "minimum": 1}},
    OpenApiParameter.QUERY,
    description="Comma-separated category ids (any of); an unknown id is a 400 naming it.",
    style="form",
    explode=False,
)


@extend_schema_view(destroy=extend_schema(responses={204: None, **problem_responses(409)}))
class CategoryViewSet(viewsets.ModelViewSet):
    """Categories: anyone reads; writes need `catalog.add_/change_/delete_category`. A category with products
    or subcategories cannot be deleted (409), and a parent that would make a cycle is refused (400)."""

    serializer_class = CategorySerializer
    permission_classes = (ModelPermissionsOrReadOnly,)
    filterset_class = CategoryFilterSet
    search_fields = ("name", "slug")
    ordering_fields = ("name",)

    def get_queryset(self):
        return selectors.category_list()

    def perform_create(self, serializer):
        serializer.instance = services.category_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.category_update(category=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.category_delete(category=instance)


@extend_schema_view(
    list=extend_schema(parameters=[CATEGORY_IDS_PARAMETER, OPTION_PARAMETER]),
    destroy=extend_schema(
        description="A product that has been stocked or ordered cannot be deleted (409): deactivate it instead.",
        responses={204: None, **problem_responses(409)},
    ),
)
class ProductViewSet(ProductReviewActions, viewsets.ModelViewSet):
    """Products: anyone reads the active ones, holders of `catalog.view_product` (or change_) read all;
    writes need `catalog.add_/change_/delete_product`, and changing `stock` also `catalog.adjust_stock`.
    A change of `stock` is recorded as an `adjustment` stock movement; the rating summary is read-only here."""

    serializer_class = ProductSerializer
    permission_classes = (ModelPermissionsOrReadOnly,)
    filterset_class = ProductFilterSet
    search_fields = ("title", "description", "sku")
    ordering_fields = ("price", "title", "created_at", "rating", "stock")
    ordering_field_map = {"rating": "rating_rate"}

    def get_queryset(self):
        return selectors.product_list(user=self.request.user)

    def filter_queryset(self, queryset):
        """Filters, search and ordering shape lists; a single product is found by its id alone."""
        if self.action != "list":
            return queryset
        queryset = super().filter_queryset(queryset)
        params = self.request.query_params
        if params.get("search") and (params.get("category") or params.get("category_ids")):
            queryset = selectors.product_order_unwalked(queryset)
        return queryset

    def search_queryset(self, queryset, terms):
        return selectors.product_search(queryset, terms, fields=self.search_fields)

    def get_object(self):
        product = selectors.product_get(user=self.request.user, pk=self.kwargs["pk"])
        if product is None:
            raise Http404
        self.check_object_permissions(self.request, product)
        return product

    def perform_create(self, serializer):
        serializer.instance = services.product_create(**serializer.validated_data, by=self.request.user)

    def perform_update(self, serializer):
        data = serializer.validated_data
        if data.get("stock") not in (None, serializer.instance.stock) and not self.request.user.has_perm(
            ADJUST_STOCK_PERMISSION
        ):
            raise PermissionDenied("Changing stock needs the permission catalog.adjust_stock.")
        serializer.instance = services.product_update(product=serializer.instance, **data, by=self.request.user)

    def perform_destroy(self, instance):
        services.product_delete(product=instance)
