"""This app's part of /api/v1/: `routes` go on the shared router in shop/api_urls.py, `urlpatterns` beside it."""

from django.urls import path

from shop.accounts.api import auth_views
from shop.accounts.api.views import AddressViewSet, UserViewSet

routes = [  # (prefix, viewset, basename)
    ("users", UserViewSet, "user"),
    ("addresses", AddressViewSet, "address"),
]

urlpatterns = [
    path("auth/register/", auth_views.RegisterView.as_view(), name="auth-register"),
    path("auth/login/", auth_views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh/", auth_views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/verify/", auth_views.VerifyView.as_view(), name="auth-verify"),
    path("auth/logout/", auth_views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", auth_views.LogoutAllView.as_view(), name="auth-logout-all"),
    path("auth/me/", auth_views.MeView.as_view(), name="auth-me"),
    path("auth/password/change/", auth_views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("auth/password/reset/", auth_views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
]
