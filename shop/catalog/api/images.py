"""A product's images: `GET/POST /products/{id}/images/`, `PATCH/DELETE /products/{id}/images/{image id}/`.

Anyone reads the images of a product they may see; writes need `catalog.add_/change_/delete_productimage`,
the permissions the admin's image inline checks. Uploads are `multipart/form-data`; what a file must be is
`shop.catalog.images`'s to say, and a refused file stores nothing. Thin: reads through shop.catalog.selectors,
writes through shop.catalog.images.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from shop.catalog import selectors
from shop.catalog.api.fields import MAX_ID
from shop.catalog.images import product_image_add, product_image_delete, product_image_update
from shop.catalog.models import ProductImage
from shop.core.parsers import JSONParser
from shop.core.permissions import ModelPermissionsOrReadOnly
from shop.core.schema import problem_responses
from shop.core.serializers import StrictSerializer

MAX_POSITION = 2_147_483_647  # the PostgreSQL integer column's upper bound


def image_document(image: ProductImage, request=None) -> dict:
    return {
        "id": image.pk,
        "url": selectors.absolute_url(image.file.url, request),
        "thumbnail_url": selectors.absolute_url(image.thumbnail.url, request),
        "alt": image.alt,
        "position": image.position,
        "is_primary": image.is_primary,
        "width": image.width,
        "height": image.height,
    }


def product_image_fields(product, request=None) -> dict:
    """The image part of a product document: `image` and `thumbnail` (selectors.product_image_urls) and
    `images` in their order, from the prefetched images."""
    urls = selectors.product_image_urls(product, request=request)
    images = [image_document(image, request) for image in product.images.all()]
    return {"image": urls.image, "thumbnail": urls.thumbnail, "images": images}


class ProductImageSerializer(serializers.ModelSerializer):
    """An image as product documents list it; `url` and `thumbnail_url` are absolute and answer its bytes."""

    url = serializers.URLField(read_only=True)
    thumbnail_url = serializers.URLField(read_only=True)

    class Meta:
        model = ProductImage
        fields = ("id", "url", "thumbnail_url", "alt", "position", "is_primary", "width", "height")
        read_only_fields = fields

    def to_representation(self, image):
        return image_document(image, self.context.get("request"))


class ImageChangeSerializer(StrictSerializer):
    alt = serializers.CharField(max_length=255, allow_blank=True, required=False)
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)
    # default=None: a multipart form that leaves the box out says nothing (DRF would read it as false).
    is_primary = serializers.BooleanField(
        default=None,
        allow_null=True,
        help_text="true makes this the product's primary image (the other one loses the flag); false on the "
        "primary image is a 400: make another image primary instead. On upload, left out: primary when the "
        "product has no primary image yet.",
    )


class ImageUploadSerializer(ImageChangeSerializer):
    file = serializers.FileField(
        allow_empty_file=False,
        help_text="JPEG, PNG or WebP, as decoded (the name and content type must not claim another format); at "
        "most IMAGE_MAX_UPLOAD_BYTES and IMAGE_MAX_PIXELS. Stored re-encoded, without metadata.",
    )


@extend_schema(
    parameters=[OpenApiParameter("product_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Product id.")]
)
@extend_schema_view(
    list=extend_schema(summary="List a product's images", description="In their order (`position`)."),
    create=extend_schema(
        summary="Upload an image of the product",
        request={"multipart/form-data": ImageUploadSerializer},
        responses={201: ProductImageSerializer, **problem_responses(400, 413)},
    ),
    partial_update=extend_schema(summary="Change an image's alt text, position or primary flag",
                                 request=ImageChangeSerializer),
    destroy=extend_schema(
        summary="Delete an image",
        description="When it was the primary image, the first remaining one (by position) becomes primary.",
    ),
)  # fmt: skip
class ProductImageViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = ProductImageSerializer
    permission_classes = (ModelPermissionsOrReadOnly,)
    parser_classes = (MultiPartParser, JSONParser)
    filter_backends = ()
    pagination_class = None  # a product has a handful of images: they come whole, as in the product document
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        """The images of the product in the path; the permission class only needs the model from here."""
        if getattr(self, "swagger_fake_view", False):
            return ProductImage.objects.none()
        return self.product.images.order_by("position", "id")

    @property
    def product(self):
        if not hasattr(self, "_product"):
            pk = int(self.kwargs["product_pk"])
            product = selectors.product_get(user=self.request.user, pk=pk) if pk <= MAX_ID else None
            if product is None:
                raise Http404
            self._product = product
        return self._product

    def get_object(self):
        pk = int(self.kwargs["pk"])
        image = next((image for image in self.get_queryset() if image.pk == pk), None) if pk <= MAX_ID else None
        if image is None:
            raise Http404
        self.check_object_permissions(self.request, image)
        return image

    def create(self, request, *args, **kwargs):
        payload = ImageUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        image = product_image_add(product=self.product, **payload.validated_data)
        return Response(self.get_serializer(image).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        payload = ImageChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        image = product_image_update(image=self.get_object(), **payload.validated_data)
        return Response(self.get_serializer(image).data)

    def perform_destroy(self, instance):
        product_image_delete(image=instance)
