"""Import/export of customers and their addresses. Passwords never leave or enter through a file."""

from import_export import fields

from shop.accounts.models import Address, User
from shop.core.importexport import KeyForeignKeyWidget, ShopResource


class UserResource(ShopResource):
    """Users by email. Staff and superuser flags are not importable: a spreadsheet must not grant access.
    New users get an unusable password (they set one through the password reset)."""

    class Meta:
        model = User
        import_id_fields = ("email",)
        fields = ("email", "first_name", "last_name", "phone", "is_active", "date_joined")
        export_order = fields
        skip_unchanged = True
        clean_model_instances = True
        use_bulk = True

    def before_import_row(self, row, **kwargs):
        if isinstance(row.get("email"), str):
            row["email"] = row["email"].strip().lower()

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.set_unusable_password()


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
