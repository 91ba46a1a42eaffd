"""Users and addresses. Writable fields are listed explicitly; everything else is read-only."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from shop.accounts.countries import ISO_ALPHA2
from shop.accounts.models import Address, User
from shop.accounts.services import EMAIL_TAKEN, email_in_use
from shop.core.serializers import StrictModelSerializer

USER_FIELDS = ("id", "email", "first_name", "last_name", "phone", "is_staff", "date_joined")


def validate_new_password(password: str, *, user: User) -> str:
    """Django's AUTH_PASSWORD_VALIDATORS, with `user` for the similarity check; errors as a field error."""
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(list(exc.messages)) from exc
    return password


class UserSerializer(StrictModelSerializer):
    """A user as they see themselves (`me/` and their own `/users/{id}/`): only names and phone change."""

    class Meta:
        model = User
        fields = USER_FIELDS
        read_only_fields = ("id", "email", "is_staff", "date_joined")


class StaffUserSerializer(StrictModelSerializer):
    """A user as staff manage it. `password` is required on create, optional on update (revokes tokens).

    Staff may grant or remove `is_staff` and deactivate accounts (`is_active`); `is_superuser` is never
    writable through the API (superusers are made with `createsuperuser` or in the admin).
    """

    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})

    class Meta:
        model = User
        fields = (*USER_FIELDS, "is_active", "password")
        read_only_fields = ("id", "date_joined")
        extra_kwargs = {"email": {"validators": []}}

    def validate_email(self, value: str) -> str:
        value = User.objects.normalize_email(value).lower()
        if email_in_use(value, exclude_pk=getattr(self.instance, "pk", None)):
            raise serializers.ValidationError(EMAIL_TAKEN)
        return value

    def validate(self, attrs):
        password = attrs.get("password")
        if self.instance is None and not password:
            raise serializers.ValidationError({"password": ["This field is required."]})
        if password:
            candidate = self.instance or User(**{k: v for k, v in attrs.items() if k != "password"})
            try:
                validate_new_password(password, user=candidate)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"password": exc.detail}) from exc
        return attrs


class RegisterSerializer(StrictModelSerializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta:
        model = User
        fields = ("email", "password", "first_name", "last_name")
        extra_kwargs = {"email": {"validators": []}}

    def validate_email(self, value: str) -> str:
        value = User.objects.normalize_email(value).lower()
        if email_in_use(value):
            raise serializers.ValidationError(EMAIL_TAKEN)
        return value

    def validate(self, attrs):
        candidate = User(**{k: v for k, v in attrs.items() if k != "password"})
        try:
            validate_new_password(attrs["password"], user=candidate)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"password": exc.detail}) from exc
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
