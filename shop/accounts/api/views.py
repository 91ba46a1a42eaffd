"""/api/v1/users/ and /api/v1/addresses/. Querysets come from the selectors, scoped to the caller, so someone
else's id is a 404."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from shop.accounts import selectors, services
from shop.accounts.api.filters import AddressFilter, UserFilter
from shop.accounts.api.serializers import (
    AddressSerializer,
    StaffAddressSerializer,
    StaffUserSerializer,
    UserSerializer,
)
from shop.core.permissions import is_staff
from shop.core.schema import problem_responses

STAFF_NOTE = " Documented with the staff fields; a customer's body has no `is_active`/`password`."


class UserAccess(permissions.BasePermission):
    """Signed-in callers; listing and creating users is for staff (a customer reaches only their own id)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return view.action not in ("list", "create") or is_staff(request.user)


@extend_schema_view(
    list=extend_schema(description="Staff only. Search: email, first and last name." + STAFF_NOTE),
    create=extend_schema(description="Staff only; `password` is required and validated." + STAFF_NOTE),
    retrieve=extend_schema(description="Staff: any user; a customer: only their own id (else 404)."),
    update=extend_schema(description="Staff may set `is_staff` and `is_active`; never `is_superuser`." + STAFF_NOTE),
    partial_update=extend_schema(
        description="A customer may change names and phone of their own user; staff also email, `is_staff`, "
        "`is_active`, `password` (which revokes the user's refresh tokens)." + STAFF_NOTE
    ),
    destroy=extend_schema(
        description="Delete the account (staff: any; customer: their own). A user with orders: 409.",
        responses={204: None, **problem_responses(401, 403, 404, 409)},
    ),
)
@extend_schema(tags=["users"])
class UserViewSet(viewsets.ModelViewSet):
    permission_classes = (UserAccess,)
    filterset_class = UserFilter
    search_fields = ("email", "first_name", "last_name")
    ordering_fields = ("id", "email", "date_joined")

    def get_queryset(self):
        return selectors.user_list(user=self.request.user)

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or is_staff(self.request.user):
            return StaffUserSerializer
        return UserSerializer

    def perform_create(self, serializer):
        serializer.instance = services.user_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.user_update(user=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.user_delete(user=instance)


ADDRESS_NOTE = " `user` is the caller for customers (read-only); staff may set it (default: the caller)."


@extend_schema_view(
    list=extend_schema(description="The caller's addresses; staff see all and may filter by `user`."),
    create=extend_schema(description="`is_default: true` makes it the only default of its user." + ADDRESS_NOTE),
    update=extend_schema(description="Someone else's address is a 404." + ADDRESS_NOTE),
    partial_update=extend_schema(description="Someone else's address is a 404." + ADDRESS_NOTE),
    destroy=extend_schema(responses={204: None, **problem_responses(401, 404)}),
)
@extend_schema(tags=["addresses"])
class AddressViewSet(viewsets.ModelViewSet):
    permission_classes = (permissions.IsAuthenticated,)
    filterset_class = AddressFilter
    search_fields = ("label", "line1", "city", "postcode")
    ordering_fields = ("id", "created_at", "city", "country")

    def get_queryset(self):
        return selectors.address_list(user=self.request.user)

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or is_staff(self.request.user):
            return StaffAddressSerializer
        return AddressSerializer

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        owner = fields.pop("user", None) or self.request.user
        serializer.instance = services.address_create(user=owner, **fields)

    def perform_update(self, serializer):
        serializer.instance = services.address_update(address=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.address_delete(address=instance)
