"""Admin forms of users. The rules (email spelling and uniqueness, password validation, token revocation)
are the accounts services', as in the API."""

from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from shop.accounts import services
from shop.accounts.models import User


class ServicePasswordMixin:
    """Passwords are checked by `services.password_validate` (Django's SetPasswordMixin hook)."""

    def validate_password_for_user(self, user, password_field_name="password2"):  # noqa: S107 - a field name
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                services.password_validate(password, user=user)
            except ValidationError as error:
                self.add_error(password_field_name, error)


class UserCreationForm(ServicePasswordMixin, auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        return services.email_clean(self.cleaned_data["email"])


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        return services.email_clean(self.cleaned_data["email"], exclude_pk=self.instance.pk)

    def clean_username(self):
        return services.username_clean(self.cleaned_data.get("username"), exclude_pk=self.instance.pk)


class AdminPasswordChangeForm(ServicePasswordMixin, auth_forms.AdminPasswordChangeForm):
    """A new password set in the admin goes through `services.password_change`, which also revokes the
    user's refresh tokens (as a change through the API does)."""

    def save(self, commit=True):
        if commit and self.cleaned_data.get("set_usable_password", True) and self.cleaned_data.get("password1"):
            return services.password_change(user=self.user, new_password=self.cleaned_data["password1"])
        return super().save(commit=commit)
