"""The caller's wishlist: `GET/POST /wishlist/`, `DELETE /wishlist/{product id}/`. Thin: reads through
`selectors.wishlist_list`, writes through shop.catalog.wishlist."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from shop.catalog import selectors
from shop.catalog.api.fields import MAX_ID
from shop.catalog.api.serializers import WishlistInputSerializer, WishlistItemSerializer
from shop.catalog.models import WishlistItem
from shop.catalog.wishlist import wishlist_add, wishlist_remove


@extend_schema_view(
    list=extend_schema(summary="List the caller's wishlist", description="Newest first; active products only."),
    create=extend_schema(
        summary="Put a product on the caller's wishlist",
        description="201 when added, 200 when it was there already; an unknown or inactive product is a 400.",
        request=WishlistInputSerializer,
        responses={201: WishlistItemSerializer, 200: WishlistItemSerializer},
    ),
    destroy=extend_schema(
        summary="Take a product off the caller's wishlist",
        description="404 when the product is not on it.",
        parameters=[OpenApiParameter("product_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Product id.")],
        responses={204: None},
    ),
)
class WishlistViewSet(viewsets.GenericViewSet):
    serializer_class = WishlistItemSerializer
    permission_classes = (IsAuthenticated,)
    filter_backends = ()
    lookup_field = "product_id"
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WishlistItem.objects.none()
        return selectors.wishlist_list(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        payload = WishlistInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item, created = wishlist_add(user=request.user, product=payload.validated_data["product"])
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=answer)

    def destroy(self, request, product_id=None):
        pk = int(product_id)
        if pk > MAX_ID:  # names no product, and the database could not compare it
            raise Http404
        wishlist_remove(user=request.user, product_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
