"""Import/export of customers and their addresses. Passwords never leave or enter through a file."""

from django.core.exceptions import ValidationError
from import_export import fields

from shop.accounts import services
from shop.accounts.models import Address, User
from shop.core.importexport import KeyForeignKeyWidget, ShopResource


class UserResource(ShopResource):
    """Users by email (spelt by `services.email_normalize`; one row per email). Staff and superuser flags
    are not importable: a spreadsheet must not grant access, and only a superuser's import changes a staff
    member's account. New users get an unusable password (they set one through the password reset)."""

    class Meta:
        model = User
        import_id_fields = ("email",)
        fields = ("email", "username", "first_name", "last_name", "phone", "is_active", "date_joined")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True
        use_bulk = True

    def before_import(self, dataset, **kwargs):
        self._emails_seen, self._usernames_seen = set(), set()
        return super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        if isinstance(row.get("email"), str):
            row["email"] = services.email_normalize(row["email"])
            if row["email"] in self._emails_seen:
                raise ValidationError({"email": "This email address appears twice in the file."})
            self._emails_seen.add(row["email"])
        if isinstance(row.get("username"), str) and (username := services.username_normalize(row["username"])):
            if username.lower() in self._usernames_seen:
                raise ValidationError({"username": "This username appears twice in the file."})
            self._usernames_seen.add(username.lower())

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.set_unusable_password()
        elif "is_active" in services.user_fields_reserved(actor=kwargs.get("user"), target=instance):
            raise ValidationError({"email": "A staff member's account is changed by a superuser only."})


class AddressResource(ShopResource):
    user = fields.Field(attribute="user", column_name="user", widget=KeyForeignKeyWidget(User, field="email"))

    class Meta:
        model = Address
        fields = ("id", "user", "label", "line1", "line2", "city", "postcode", "country", "phone", "is_default")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True
        use_bulk = True

    def get_queryset(self):
        return super().get_queryset().select_related("user")
