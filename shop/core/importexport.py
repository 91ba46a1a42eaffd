"""What every import/export admin of the shop shares: formats with formula escaping, an upload size
limit, all-or-nothing imports, and Django permissions `<app>.import_<model>` / `<app>.export_<model>`.

The permission codes come from settings (IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import", ...); the
permission rows themselves are created by the back office's registry (`shop.backoffice.importexport`, run by
`setup_roles`), so no model needs a migration for them. Superusers pass every check anyway.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from import_export import resources
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.forms import ImportForm
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from shop.core.formula import FORMATS, FormulaCell


class LimitedImportForm(ImportForm):
    """The import form, refusing files larger than settings.IMPORT_MAX_UPLOAD_BYTES before reading them."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"The file is {filesizeformat(upload.size)}; imports are limited to {filesizeformat(limit)}. "
                "Split it into smaller files.",
                code="file_too_large",
            )
        return upload


def describe_errors(result, limit: int = 20) -> list[str]:
    """One line per failed row (`row 3: price: Enter a number.`), then the errors not tied to a row."""
    lines = []
    for invalid in result.invalid_rows:
        for field, errors in invalid.error_dict.items():
            name = "row" if field == "__all__" else field
            lines.append(f"row {invalid.number}: {name}: {' '.join(str(e) for e in errors)}")
    for error_row in result.error_rows:
        lines.extend(f"row {error_row.number}: {error.error}" for error in error_row.errors)
    lines.extend(str(error.error) for error in result.base_errors)
    return lines[:limit]


class ShopExportMixin(ExportActionMixin):
    """Export of the filtered list (button) and of the selected rows (action), in the shop's formats."""

    formats = FORMATS
    import_export_change_list_template = "admin/import_export/change_list_export.html"

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """As import-export's, but numbers stay numbers in every binary format (it checks the exact class)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        native = file_format.is_binary()
        data = self.get_data_for_export(request, queryset, force_native_type=native, **kwargs)
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data


class ShopImportExportMixin(ImportMixin, ShopExportMixin):
    """Import with a dry-run preview and confirm; an import with any bad row changes nothing."""

    import_form_class = LimitedImportForm
    import_error_display = ("message", "row")
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The preview already refused invalid rows; the confirm step must not half-apply a file
        # whose rows became invalid in between (e.g. a category deleted meanwhile).
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, "Import failed; nothing was changed. " + " | ".join(describe_errors(result)))
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)


class KeyForeignKeyWidget(ForeignKeyWidget):
    """A relation by natural key (`slug`, `email`, `sku`) whose miss is a clear field error, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value.strip() if isinstance(value, str) else value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.model._meta.verbose_name} with {self.field} {value!r}.") from None


class KeyManyToManyWidget(ManyToManyWidget):
    """Several related objects by natural key, separated by `separator`; any unknown key is an error."""

    def clean(self, value, row=None, **kwargs):
        keys = {key.strip() for key in str(value or "").split(self.separator) if key.strip()}
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        missing = keys - {str(getattr(obj, self.field)) for obj in found}
        if missing:
            names = ", ".join(sorted(missing))
            raise ValueError(f"No {self.model._meta.verbose_name} with {self.field} {names}.")
        return found


FORMULA_REFUSED = "Looks like a spreadsheet formula (starts with =, +, - or @); prefix it with ' to import it as text."


class ShopResource(resources.ModelResource):
    """A ModelResource whose every bad cell becomes a field error of its row (shown in the preview),
    many-to-many cells included; import-export itself turns some (e.g. "x" as a number) into crashes."""

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.get_import_fields():
            if not field.attribute or field.column_name not in row:
                continue
            if isinstance(row[field.column_name], FormulaCell):
                errors[field.attribute] = ValidationError(FORMULA_REFUSED, code="formula")
                continue
            try:
                if isinstance(field.widget, ManyToManyWidget):
                    field.clean(row)  # only checked here; `save_m2m` writes it once the row is saved
                else:
                    self.import_field(field, instance, row, **kwargs)
            except ValueError as exc:
                errors[field.attribute] = ValidationError(str(exc), code="invalid")
            except (ArithmeticError, TypeError):
                errors[field.attribute] = ValidationError(
                    f"{row[field.column_name]!r} is not a valid value.", code="invalid"
                )
        if errors:
            raise ValidationError(errors)
