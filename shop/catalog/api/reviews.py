"""Review endpoints: a product's `/rating/`, `/reviews/` and `/reviews/mine/` (mixed into ProductViewSet, so a
product is found as its detail finds it), and the moderators' `/reviews/`. Thin: reads through
shop.catalog.selectors, writes through shop.catalog.reviews."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from shop.catalog import selectors
from shop.catalog.api.serializers import (
    ModeratedReviewSerializer,
    ModerationInputSerializer,
    MyReviewSerializer,
    ProductRatingSerializer,
    RatingInputSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
)
from shop.catalog.models import Review
from shop.catalog.reviews import may_moderate, review_delete, review_moderate, review_submit
from shop.core.exceptions import NotFound
from shop.core.filters import FilterBackend, OrderingFilter, StrictBooleanFilter
from shop.core.permissions import sees_all
from shop.core.schema import problem_responses

NOT_REVIEWED = "You have not reviewed this product."
#: The product routes answer for the product in the path (one lookup), without the product list's filters.
PRODUCT_ROUTE = {"detail": True, "filter_backends": ()}


class ProductReviewActions:
    """Review routes of ProductViewSet. A variant's reviews are its parent's (`selectors.review_product`)."""

    @extend_schema(methods=["GET"], responses=ProductRatingSerializer, filters=False)
    @extend_schema(
        methods=["POST"], request=RatingInputSerializer, responses={200: ProductRatingSerializer}, filters=False
    )
    @extend_schema(methods=["DELETE"], responses={204: None}, filters=False)
    @action(
        methods=["get", "post", "delete"],
        permission_classes=(IsAuthenticatedOrReadOnly,),
        pagination_class=None,
        **PRODUCT_ROUTE,
    )
    def rating(self, request, pk=None):
        """GET anyone: the summary and the caller's value. POST (user) sets or replaces the caller's rating:
        a review without words, or the caller's review with its words kept. DELETE (user) removes the caller's
        review (404 when there is none)."""
        product = self.get_object()
        if request.method == "POST":
            payload = RatingInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            review_submit(product=product, user=request.user, rating=payload.validated_data["value"])
        elif request.method == "DELETE":
            review_delete(review=self._my_review(product))
            return Response(status=status.HTTP_204_NO_CONTENT)
        target = selectors.review_product(product)
        mine = selectors.rating_value(product=product, user=request.user)
        return Response(
            ProductRatingSerializer({"rate": target.rating_rate, "count": target.rating_count, "mine": mine}).data
        )

    @extend_schema(
        methods=["GET"],
        summary="List a product's approved reviews",
        description="Anyone: the approved reviews, newest first (a variant's: its parent's).",
        responses=ReviewSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Review the product (replaces the caller's earlier review)",
        description=(
            "201 for a new review, 200 when it replaces the caller's earlier one. With a title or body the status "
            "is `pending` (not listed, not counted) until staff approve it; a bare rating is `approved` at once. "
            "Changing only the rating of a moderated review keeps its status. The text is plain text."
        ),
        request=ReviewInputSerializer,
        responses={201: MyReviewSerializer, 200: MyReviewSerializer},
        filters=False,
    )
    @action(methods=["get", "post"], permission_classes=(IsAuthenticatedOrReadOnly,), **PRODUCT_ROUTE)
    def reviews(self, request, pk=None):
        product = self.get_object()
        if request.method == "POST":
            payload = ReviewInputSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            review, created = review_submit(product=product, user=request.user, **payload.validated_data)
            answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
            return Response(MyReviewSerializer(review).data, status=answer)
        page = self.paginate_queryset(selectors.reviews_approved(product=product))
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    @extend_schema(
        summary="Delete the caller's review",
        description="404 when the caller has not reviewed the product.",
        responses={204: None},
        filters=False,
    )
    @action(
        methods=["delete"], url_path="reviews/mine", url_name="my-review", permission_classes=(IsAuthenticated,),
        **PRODUCT_ROUTE,
    )  # fmt: skip
    def my_review(self, request, pk=None):
        review_delete(review=self._my_review(self.get_object()))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _my_review(self, product) -> Review:
        review = selectors.review_mine(product=product, user=self.request.user)
        if review is None:
            raise NotFound(NOT_REVIEWED)
        return review


class ReviewFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Review.Status.choices)
    product = filters.NumberFilter(field_name="product_id", min_value=1, help_text="A product id.")
    rating = filters.NumberFilter(min_value=1, max_value=5)
    verified_purchase = StrictBooleanFilter()

    class Meta:
        model = Review
        fields = ("status", "product", "rating", "verified_purchase")


class ReviewModeration(BasePermission):
    """Listing needs `catalog.view_review` (or change_); moderating `may_moderate` (moderate_ or change_)."""

    message = "Reviewing the reviews needs the permission catalog.view_review; moderating catalog.moderate_review."

    def has_permission(self, request, view):
        if view.action == "moderate":
            return may_moderate(request.user)
        return sees_all(request.user, Review)


class ReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The moderators' reviews: every status, filtered by `status`, `product`, `rating`, `verified_purchase`."""

    serializer_class = ModeratedReviewSerializer
    permission_classes = (ReviewModeration,)
    filter_backends = (FilterBackend, OrderingFilter)
    filterset_class = ReviewFilterSet
    ordering_fields = ("created_at", "updated_at", "rating")
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        return selectors.review_list()

    @extend_schema(
        summary="Approve or reject a review",
        description="Needs `catalog.moderate_review` or `catalog.change_review`. The product's summary follows.",
        request=ModerationInputSerializer,
        responses={200: ModeratedReviewSerializer, **problem_responses(400)},
    )
    @action(detail=True, methods=["post"], filter_backends=())
    def moderate(self, request, pk=None):
        review = self.get_object()
        payload = ModerationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = review_moderate(review=review, status=payload.validated_data["status"], by=request.user)
        return Response(ModeratedReviewSerializer(selectors.review_list().get(pk=review.pk)).data)
