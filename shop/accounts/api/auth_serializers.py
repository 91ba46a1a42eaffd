"""Request and response shapes of /api/v1/auth/. They validate; the views call tokens and services."""

from django.contrib.auth import authenticate
from rest_framework import exceptions, serializers

from shop.accounts.api.serializers import validate_new_password
from shop.accounts.services import password_reset_user
from shop.core.serializers import StrictSerializer

BAD_CREDENTIALS = "No active account found with the given credentials."


class LoginSerializer(StrictSerializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context.get("request"), email=attrs["email"], password=attrs["password"])
        if user is None:
            raise exceptions.AuthenticationFailed(BAD_CREDENTIALS, "no_active_account")
        attrs["user"] = user
        return attrs


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Access JWT for `Authorization: Bearer ...`.")
    refresh = serializers.CharField(help_text="Single-use refresh JWT: trade it at `auth/refresh/`.")


class RefreshSerializer(StrictSerializer):
    refresh = serializers.CharField()


class VerifySerializer(StrictSerializer):
    token = serializers.CharField(help_text="An access or refresh JWT.")


class EmptySerializer(serializers.Serializer):
    """`{}`"""


class PasswordChangeSerializer(StrictSerializer):
    old_password = serializers.CharField(write_only=True, style={"input_type": "password"})
    new_password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate_old_password(self, value: str) -> str:
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError("The current password is not correct.")
        return value

    def validate_new_password(self, value: str) -> str:
        return validate_new_password(value, user=self.context["request"].user)


class PasswordResetSerializer(StrictSerializer):
    email = serializers.EmailField()


class ResetRequestedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PasswordResetConfirmSerializer(StrictSerializer):
    uid = serializers.CharField(help_text="From the reset mail: the user's id, URL-safe base64.")
    token = serializers.CharField(help_text="From the reset mail.")
    new_password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate(self, attrs):
        user = password_reset_user(uid=attrs["uid"], token=attrs["token"])
        if user is None:
            raise serializers.ValidationError({"token": ["This reset link is invalid or has expired."]})
        try:
            validate_new_password(attrs["new_password"], user=user)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"new_password": exc.detail}) from exc
        attrs["user"] = user
        return attrs
