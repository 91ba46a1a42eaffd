"""/api/v1/auth/: JWT login, single-use refresh rotation, logout, profile, passwords."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from shop.accounts import services, tokens
from shop.accounts.api.auth_serializers import (
    EmptySerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    RefreshSerializer,
    ResetRequestedSerializer,
    TokenPairSerializer,
    VerifySerializer,
)
from shop.accounts.api.serializers import RegisterSerializer, UserSerializer
from shop.core.schema import problem_responses
from shop.core.serializers import refuse_body_fields

TAGS = ["auth"]
AUTH_THROTTLES = (*api_settings.DEFAULT_THROTTLE_CLASSES, ScopedRateThrottle)
NO_CONTENT = OpenApiResponse(description="Done; no body.")


class PublicAuthView(generics.GenericAPIView):
    """Open to anyone, credentials in the body. No header authentication: a stale `Authorization` header
    must not stop someone from logging in; 401s still carry `WWW-Authenticate`."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'

    def validated(self, request) -> dict:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ScopedAuthView(PublicAuthView):
    """Also counted against the `auth` rate (THROTTLE_AUTH), per client address."""

    throttle_classes = AUTH_THROTTLES
    throttle_scope = "auth"


class UserAuthView(generics.GenericAPIView):
    permission_classes = (IsAuthenticated,)


@extend_schema(tags=TAGS, responses={201: UserSerializer, **problem_responses(400, 429)})
class RegisterView(ScopedAuthView):
    """Create a customer account. The password must pass Django's validators; a taken email is a 400."""

    serializer_class = RegisterSerializer

    def post(self, request):
        user = services.user_create(**self.validated(request))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, responses={200: TokenPairSerializer, **problem_responses(400, 401, 429)})
class LoginView(ScopedAuthView):
    """Trade email and password for an access and a refresh token. Wrong credentials: 401."""

    serializer_class = LoginSerializer

    def post(self, request):
        return Response(tokens.login_tokens(self.validated(request)["user"]))


@extend_schema(tags=TAGS, responses={200: TokenPairSerializer, **problem_responses(400, 401)})
class RefreshView(PublicAuthView):
    """Trade a refresh token for a new pair. The old refresh is blacklisted: it works once, even when
    several requests present it at the same moment."""

    serializer_class = RefreshSerializer

    def post(self, request):
        try:
            pair = tokens.rotate_refresh(self.validated(request)["refresh"])
        except tokens.RefreshRejected as exc:
            raise exceptions.AuthenticationFailed(str(exc), "token_not_valid") from exc
        return Response(pair)


@extend_schema(tags=TAGS, responses={200: EmptySerializer, **problem_responses(400, 401)})
class VerifyView(PublicAuthView):
    """200 `{}` when the token (access or refresh) is signed, unexpired and not blacklisted; else 401."""

    serializer_class = VerifySerializer

    def post(self, request):
        if not tokens.token_is_valid(self.validated(request)["token"]):
            raise exceptions.AuthenticationFailed("Token is invalid or expired.", "token_not_valid")
        return Response({})


@extend_schema(tags=TAGS, request=RefreshSerializer, responses={204: NO_CONTENT, **problem_responses(400, 401)})
class LogoutView(UserAuthView):
    """Blacklist one refresh token of the caller (400 if it is invalid, already revoked or someone else's).
    Access tokens already issued stay valid until they expire (JWT_ACCESS_MINUTES)."""

    serializer_class = RefreshSerializer

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tokens.revoke_refresh(serializer.validated_data["refresh"], user=request.user)
        except tokens.RefreshRejected as exc:
            raise exceptions.ValidationError({"refresh": [str(exc)]}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS, request=None, responses={204: NO_CONTENT, **problem_responses(401)})
class LogoutAllView(UserAuthView):
    """Blacklist every refresh token of the caller: every session must log in again."""

    serializer_class = EmptySerializer

    def post(self, request):
        refuse_body_fields(request)
        tokens.revoke_all_refresh(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(responses={200: UserSerializer, **problem_responses(401)}),
    patch=extend_schema(responses={200: UserSerializer, **problem_responses(400, 401)}),
)
@extend_schema(tags=TAGS)
class MeView(generics.RetrieveUpdateAPIView):
    """The caller's profile. `id`, `email`, `is_staff` and `date_joined` are read-only here."""

    permission_classes = (IsAuthenticated,)
    serializer_class = UserSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        serializer.instance = services.user_update(user=self.request.user, **serializer.validated_data)


@extend_schema(tags=TAGS, responses={204: NO_CONTENT, **problem_responses(400, 401)})
class PasswordChangeView(UserAuthView):
    """Change the caller's password; every refresh token of the caller is revoked."""

    serializer_class = PasswordChangeSerializer

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_change(user=request.user, new_password=serializer.validated_data["new_password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS, responses={202: ResetRequestedSerializer, **problem_responses(400, 429)})
class PasswordResetView(ScopedAuthView):
    """Mail a reset token (uid and token) if an active account uses this email. The answer is 202 either way."""

    serializer_class = PasswordResetSerializer

    def post(self, request):
        services.password_reset_request(email=self.validated(request)["email"])
        detail = "If an account uses this email, a message with reset instructions is on its way."
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=TAGS, responses={204: NO_CONTENT, **problem_responses(400, 429)})
class PasswordResetConfirmView(ScopedAuthView):
    """Set a new password with the uid and token from the reset mail (400 when they are wrong or expired).
    The token stops working once used; every refresh token of the user is revoked."""

    serializer_class = PasswordResetConfirmSerializer

    def post(self, request):
        data = self.validated(request)
        services.password_reset_confirm(user=data["user"], new_password=data["new_password"])
        return Response(status=status.HTTP_204_NO_CONTENT)
