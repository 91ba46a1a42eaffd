from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from shop.accounts import services
from shop.accounts.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from shop.accounts.models import Address, User
from shop.accounts.resources import AddressResource, UserResource
from shop.accounts.tokens import revoke_all_refresh
from shop.core.importexport import ShopImportExportMixin
from shop.core.permissions import SuperuserOnlyAdminMixin


def restrict_to_superusers(*models) -> None:
    """Re-register the admins of `models` so that only superusers see them: the token tables (a refresh
    token's jti is half a credential), the lock-out records and the groups (whoever edits a group grants
    its permissions)."""
    for model in models:
        current = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(model, type(f"SuperuserOnly{current.__name__}", (SuperuserOnlyAdminMixin, current), {}))


restrict_to_superusers(OutstandingToken, BlacklistedToken, Group, AccessAttempt, AccessLog, AccessFailureLog)


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ("label", "line1", "line2", "city", "postcode", "country", "phone", "is_default")


@admin.register(User)
class UserAdmin(ShopImportExportMixin, DjangoUserAdmin):
    """Email-based: create with a password, change it through Django's password form.

    What only a superuser may change (`services.user_fields_reserved`: the privilege fields, and another
    staff member's email, password and active flag) is read-only for everyone else, another staff
    member's password page is refused, and so is deleting a staff member's account.
    """

    resource_classes = (UserResource,)
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    ordering = ("email",)
    list_display = ("email", "username", "first_name", "last_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_active", "date_joined", "is_superuser", "groups")
    search_fields = ("email", "username", "first_name", "last_name", "phone")
    readonly_fields = ("last_login", "date_joined")
    inlines = (AddressInline,)
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("username", "first_name", "last_name", "phone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_readonly_fields(self, request, obj=None):
        reserved = services.user_fields_reserved(actor=request.user, target=obj) - {"password"}
        return (*super().get_readonly_fields(request, obj), *sorted(reserved))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or services.user_may_delete(actor=request.user, target=obj))

    def delete_queryset(self, request, queryset):
        if not request.user.is_superuser:
            staff = queryset.filter(Q(is_staff=True) | Q(is_superuser=True)).exclude(pk=request.user.pk)
            if staff.exists():
                raise PermissionDenied("Only a superuser may delete a staff member's account.")
        super().delete_queryset(request, queryset)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and "password" in services.user_fields_reserved(actor=request.user, target=user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            revoke_all_refresh(user=obj)  # as a deactivation through the API does


@admin.register(Address)
class AddressAdmin(ShopImportExportMixin, admin.ModelAdmin):
    resource_classes = (AddressResource,)
    list_display = ("user", "label", "line1", "city", "postcode", "country", "is_default")
    list_filter = ("country", "is_default")
    search_fields = ("user__email", "line1", "city", "postcode")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    show_full_result_count = False
