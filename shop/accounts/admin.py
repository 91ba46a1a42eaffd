from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from shop.accounts.forms import UserChangeForm, UserCreationForm
from shop.accounts.models import Address, User
from shop.accounts.resources import AddressResource, UserResource
from shop.core.importexport import ShopImportExportMixin


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ("label", "line1", "line2", "city", "postcode", "country", "phone", "is_default")


@admin.register(User)
class UserAdmin(ShopImportExportMixin, DjangoUserAdmin):
    """Email-based: create with a password, change it through Django's password form."""

    resource_classes = (UserResource,)
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_active", "date_joined", "is_superuser", "groups")
    search_fields = ("email", "first_name", "last_name", "phone")
    readonly_fields = ("last_login", "date_joined")
    inlines = (AddressInline,)
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "phone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Address)
class AddressAdmin(ShopImportExportMixin, admin.ModelAdmin):
    resource_classes = (AddressResource,)
    list_display = ("user", "label", "line1", "city", "postcode", "country", "is_default")
    list_filter = ("country", "is_default")
    search_fields = ("user__email", "line1", "city", "postcode")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    show_full_result_count = False
