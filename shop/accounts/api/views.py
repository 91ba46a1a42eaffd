"""/api/v1/users/ and /api/v1/addresses/. Querysets are scoped to the caller (everyone's for holders of the
model's view_ permission), so someone else's id is a 404; staff powers are model permissions
(shop.core.permissions), and what only a superuser may change is the services' rule."""

from collections.abc import Mapping

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from shop.accounts import selectors, services
from shop.accounts.api.filters import AddressFilter, UserFilter
from shop.accounts.api.serializers import (
    AddressSerializer,
    StaffAddressSerializer,
    StaffUserSerializer,
    UserSerializer,
)
from shop.accounts.models import Address, User
from shop.core.permissions import OwnedObjectPermission, has_model_permission, sees_all
from shop.core.schema import problem_responses

STAFF_NOTE = (
    " Documented with the staff fields (`accounts.view_user`/`change_user` holders); a customer's body has no "
    "`is_active`/`password`."
)
#: The model permission a write action needs on someone else's object (and that shows the staff serializer).
WRITE_PERMISSIONS = {"create": "add", "update": "change", "partial_update": "change", "destroy": "delete"}


class UserAccess(permissions.BasePermission):
    """Signed-in callers; listing users needs `accounts.view_user`, creating them `accounts.add_user` (a
    customer reaches only their own id)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if view.action == "list":
            return sees_all(request.user, User)
        if view.action == "create":
            return has_model_permission(request.user, User, "add")
        return True


def _changes(target, name: str, value) -> bool:
    """Whether a sent flag differs from the user's (a new user's flags are off); lists always count."""
    if name not in ("is_staff", "is_superuser"):
        return True
    try:
        return serializers.BooleanField().to_internal_value(value) != bool(getattr(target, name, False))
    except ValidationError:
        return True


def _serializer_for(view, model, staff_serializer, own_serializer):
    if getattr(view, "swagger_fake_view", False):
        return staff_serializer
    action = WRITE_PERMISSIONS.get(view.action)
    user = view.request.user
    allowed = has_model_permission(user, model, action) if action else sees_all(user, model)
    return staff_serializer if allowed else own_serializer


@extend_schema_view(
    list=extend_schema(description="Needs `accounts.view_user`. Search: email, first and last name." + STAFF_NOTE),
    create=extend_schema(
        description="Needs `accounts.add_user`; `password` is required and validated; `is_staff: true` only by a "
        "superuser (403)." + STAFF_NOTE
    ),
    retrieve=extend_schema(description="Own id, or any with `accounts.view_user` (else 404)."),
    update=extend_schema(
        description="Own profile, or any with `accounts.change_user`. Only a superuser changes `is_staff` or another "
        "staff member's email, password or `is_active`; sending `is_superuser`, `groups` or `user_permissions` "
        "is 403 for anyone else." + STAFF_NOTE
    ),
    partial_update=extend_schema(
        description="A customer may change names and phone of their own user; `accounts.change_user` holders also "
        "email, `is_active`, `password` (which revokes the user's refresh tokens), within the superuser-only rules "
        "of PUT." + STAFF_NOTE
    ),
    destroy=extend_schema(
        description="Delete the account (own, or any with `accounts.delete_user`; a staff member's only by a "
        "superuser). A user with orders: 409.",
        responses={204: None, **problem_responses(401, 403, 404, 409)},
    ),
)
@extend_schema(tags=["users"])
class UserViewSet(viewsets.ModelViewSet):
    permission_classes = (UserAccess, OwnedObjectPermission)
    staff_permissions = {"update": "change", "partial_update": "change", "destroy": "delete"}
    filterset_class = UserFilter
    search_fields = ("email", "first_name", "last_name")
    ordering_fields = ("id", "email", "date_joined")

    def get_queryset(self):
        return selectors.user_list(user=self.request.user)

    def get_serializer_class(self):
        return _serializer_for(self, User, StaffUserSerializer, UserSerializer)

    def is_owner(self, obj) -> bool:
        return obj.pk == self.request.user.pk

    def _refuse_privilege_changes(self, target) -> None:
        """The privilege fields a caller cannot write here (`is_staff` for customers; `is_superuser`, groups
        and permissions for everyone: they are not part of this API) are ignored when unchanged, but trying
        to change one is a 403 for anyone but a superuser, as the contract says. Writable fields are the
        service's business."""
        data = self.request.data if isinstance(self.request.data, Mapping) else {}
        writable = {name for name, field in self.get_serializer().fields.items() if not field.read_only}
        reserved = services.user_fields_reserved(actor=self.request.user, target=target)
        refused = [name for name in sorted((set(data) - writable) & reserved) if _changes(target, name, data[name])]
        if refused:
            raise PermissionDenied(f"Only a superuser may change {', '.join(refused)}.")

    def create(self, request, *args, **kwargs):
        self._refuse_privilege_changes(None)  # before the body's shape: a privilege change is a 403, not a 400
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self._refuse_privilege_changes(self.get_object())
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.user_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.user_update(
            user=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.user_delete(user=instance, by=self.request.user)


ADDRESS_NOTE = (
    " `user` is the caller for customers (read-only); holders of `accounts.add_address` (create) or "
    "`accounts.change_address` (update) may set it (default: the caller)."
)


@extend_schema_view(
    list=extend_schema(
        description="The caller's addresses; with `accounts.view_address` everyone's, filtered by `user`."
    ),
    create=extend_schema(
        description="`is_default: true` makes it the only default of its user; a user's first address is their "
        "default." + ADDRESS_NOTE
    ),
    update=extend_schema(
        description="Someone else's address: 404, or 403 without `accounts.change_address`." + ADDRESS_NOTE
    ),
    partial_update=extend_schema(
        description="Someone else's address: 404, or 403 without `accounts.change_address`." + ADDRESS_NOTE
    ),
    destroy=extend_schema(responses={204: None, **problem_responses(401, 403, 404)}),
)
@extend_schema(tags=["addresses"])
class AddressViewSet(viewsets.ModelViewSet):
    permission_classes = (permissions.IsAuthenticated, OwnedObjectPermission)
    staff_permissions = {"update": "change", "partial_update": "change", "destroy": "delete"}
    filterset_class = AddressFilter
    search_fields = ("label", "line1", "city", "postcode")
    ordering_fields = ("id", "created_at", "city", "country")

    def get_queryset(self):
        return selectors.address_list(user=self.request.user)

    def get_serializer_class(self):
        return _serializer_for(self, Address, StaffAddressSerializer, AddressSerializer)

    def is_owner(self, obj) -> bool:
        return obj.user_id == self.request.user.pk

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        owner = fields.pop("user", None) or self.request.user
        serializer.instance = services.address_create(user=owner, **fields)

    def perform_update(self, serializer):
        serializer.instance = services.address_update(address=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.address_delete(address=instance)
