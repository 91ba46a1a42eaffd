"""Users and addresses. Writable fields are listed explicitly; everything else is read-only."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from shop.accounts import services
from shop.accounts.countries import ISO_ALPHA2
from shop.accounts.models import Address, User, username_validator
from shop.core.serializers import StrictModelSerializer

USER_FIELDS = ("id", "email", "username", "first_name", "last_name", "phone", "is_staff", "date_joined")


def validate_new_password(password: str, *, user: User, field: str | None = None) -> str:
    """`services.password_validate` as a serializer error (under `field` when given, for `validate()`)."""
    try:
        services.password_validate(password, user=user)
    except DjangoValidationError as exc:
        messages = list(exc.messages)
        raise serializers.ValidationError({field: messages} if field else messages) from exc
    return password


class UsernameMixin:
    """`username`: optional (null or "" for none), unique whatever its case (`services.username_clean`)."""

    def validate_username(self, value: str | None) -> str | None:
        return services.username_clean(value, exclude_pk=getattr(self.instance, "pk", None))


USERNAME_KWARGS = {"validators": [username_validator], "allow_null": True, "allow_blank": True, "required": False}


class UserSerializer(UsernameMixin, StrictModelSerializer):
    """A user as they see themselves (`me/` and their own `/users/{id}/`): only names, phone and username
    change."""

    class Meta:
        model = User
        fields = USER_FIELDS
        read_only_fields = ("id", "email", "is_staff", "date_joined")
        extra_kwargs = {"username": USERNAME_KWARGS}


class StaffUserSerializer(UsernameMixin, StrictModelSerializer):
    """A user as staff manage it. `password` is required on create, optional on update (revokes tokens).

    Holders of `accounts.change_user` deactivate accounts (`is_active`) and set passwords; only a superuser
    grants or removes `is_staff` or changes another staff member's email, password or `is_active` (403).
    `is_superuser`, groups and permissions are never part of the API (the admin is where a superuser sets
    them; anyone else sending them gets 403).
    """

    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})

    class Meta:
        model = User
        fields = (*USER_FIELDS, "is_active", "password")
        read_only_fields = ("id", "date_joined")
        extra_kwargs = {"email": {"validators": []}, "username": USERNAME_KWARGS}

    def validate_email(self, value: str) -> str:
        return services.email_clean(value, exclude_pk=getattr(self.instance, "pk", None))

    def validate(self, attrs):
        password = attrs.get("password")
        if self.instance is None and not password:
            raise serializers.ValidationError({"password": ["This field is required."]})
        if password:
            candidate = self.instance or User(**{k: v for k, v in attrs.items() if k != "password"})
            validate_new_password(password, user=candidate, field="password")
        return attrs


class RegisterSerializer(StrictModelSerializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta:
        model = User
        fields = ("email", "password", "first_name", "last_name")
        extra_kwargs = {"email": {"validators": []}}

    def validate_email(self, value: str) -> str:
        return services.email_clean(value)

    def validate(self, attrs):
        candidate = User(**{k: v for k, v in attrs.items() if k != "password"})
        validate_new_password(attrs["password"], user=candidate, field="password")
        return attrs


ADDRESS_FIELDS = ("id", "user", "label", "line1", "line2", "city", "postcode", "country", "phone", "is_default")


class AddressSerializer(StrictModelSerializer):
    """A customer's own address: `user` is the caller, never chosen by the client.

    The model's "one default per user" constraint is not turned into a validator: a new default replaces
    the old one (see `address_create`/`address_update`).
    """

    country = serializers.ChoiceField(
        choices=sorted(ISO_ALPHA2),
        error_messages={"invalid_choice": "Use an ISO 3166-1 alpha-2 code in capitals, e.g. US."},
    )

    class Meta:
        model = Address
        fields = ADDRESS_FIELDS
        read_only_fields = ("id", "user")
        validators = []


class StaffAddressSerializer(AddressSerializer):
    """Staff may file an address under any user (the caller when `user` is omitted)."""

    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)

    class Meta(AddressSerializer.Meta):
        read_only_fields = ("id",)
