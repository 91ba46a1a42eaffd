"""What every import/export admin of the shop shares: the formats of shop.core.formats (formula escaping,
a row cap), an upload size limit, all-or-nothing imports whose rows are saved through services, a clear
message when the previewed file is gone, and Django permissions `<app>.import_<model>` / `<app>.export_<model>`.

Files and exports of more than IMPORT_SYNC_MAX_ROWS rows are not run in the request: they are handed to the
background work the back office registers (`run_large_files_with`; core knows no app), which answers the
request (a redirect to the job's page). Without one registered, everything runs in the request.

The permission codes come from settings (IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import", ...); the
permission rows themselves are created by the back office's registry (`shop.backoffice.importexport`, run by
`setup_roles`), so no model needs a migration for them. Superusers pass every check anyway.
"""

from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from import_export import fields, resources
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.forms import ImportForm
from import_export.instance_loaders import ModelInstanceLoader
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from shop.core.admin_actions import error_text
from shop.core.exceptions import DomainError
from shop.core.formats import FORMATS, TooManyRows
from shop.core.formula import FormulaCell
from shop.core.translated import default_language_active

_background = []


def run_large_files_with(handler) -> None:
    """Hand imports and exports over IMPORT_SYNC_MAX_ROWS rows to `handler`: an object with
    `start_import(request=, model_admin=, resource_class=, file_format=, upload=, rows=)` and
    `start_export(request=, model_admin=, resource_class=, file_format=, queryset=, export_fields=)`, each
    returning the response. None: run everything in the request again."""
    _background[:] = [handler] if handler else []


def _rows_in(upload, file_format, encoding: str) -> int | None:
    """Rows of the uploaded file, or None when it cannot be read (the normal path then says why)."""
    data = b"".join(upload.chunks())
    try:
        return len(file_format.create_dataset(data if file_format.is_binary() else data.decode(encoding)))
    except Exception:  # noqa: BLE001 (any unreadable file: the import form reports it as it always did)
        return None


class LimitedImportForm(ImportForm):
    """The import form, refusing files larger than settings.IMPORT_MAX_UPLOAD_BYTES before reading them
    (files with more than IMPORT_MAX_ROWS rows are refused once read, see shop.core.formats)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size, rows = filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES), settings.IMPORT_MAX_ROWS
        help_text = f"At most {size} and {rows:,} rows per file."
        if _background:
            help_text += f" Over {settings.IMPORT_SYNC_MAX_ROWS:,} rows it is checked and imported in the background."
        self.fields["import_file"].help_text = help_text

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

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """Export in the request, or, over IMPORT_SYNC_MAX_ROWS rows, as a background job."""
        if _background and queryset.count() > settings.IMPORT_SYNC_MAX_ROWS:
            resource_class = self.choose_export_resource_class(export_form, request)
            return _background[0].start_export(
                request=request, model_admin=self, resource_class=resource_class, file_format=file_format,
                queryset=queryset, export_fields=self.get_export_resource_fields_from_form(export_form),
            )  # fmt: skip
        return super()._do_file_export(file_format, request, queryset, export_form=export_form)

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

    def get_data_for_export(self, request, queryset, **kwargs):
        """The dataset, titled after the exported model (the XLSX sheet's name)."""
        data = super().get_data_for_export(request, queryset, **kwargs)
        model = self.choose_export_resource_class(kwargs.get("export_form"), request)._meta.model or self.model
        data.title = str(model._meta.verbose_name_plural).capitalize()
        return data


class ImportFileGone(Exception):
    """The file kept between preview and confirm is no longer there (confirmed already, expired, cleaned up)."""


@cache
def _checked_storage(storage_class):
    class CheckedStorage(storage_class):
        def read(self):
            try:
                data = super().read()
            except FileNotFoundError:
                raise ImportFileGone from None
            if data is None:  # CacheStorage: the key expired or was removed
                raise ImportFileGone
            return data

    return CheckedStorage


class ShopImportExportMixin(ImportMixin, ShopExportMixin):
    """Import with a dry-run preview and confirm; an import with any bad row changes nothing."""

    import_form_class = LimitedImportForm
    import_error_display = ("message", "row")
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def get_tmp_storage_class(self):
        return _checked_storage(super().get_tmp_storage_class())

    def import_action(self, request, **kwargs):
        return self._import_in_background(request) or super().import_action(request, **kwargs)

    def _import_in_background(self, request):
        """A valid upload of more than IMPORT_SYNC_MAX_ROWS rows becomes a job (previewed by a worker); None
        leaves the request to the normal preview (small files, and any form error)."""
        if not (_background and request.method == "POST" and self.has_import_permission(request)):
            return None
        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        file_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        upload = form.cleaned_data["import_file"]
        rows = _rows_in(upload, file_format, self.from_encoding)
        if rows is None or rows <= settings.IMPORT_SYNC_MAX_ROWS:
            return None
        return _background[0].start_import(
            request=request, model_admin=self, resource_class=self.choose_import_resource_class(form, request),
            file_format=file_format, upload=upload, rows=rows,
        )  # fmt: skip

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The preview already refused invalid rows; the confirm step must not half-apply a file
        # whose rows became invalid in between (e.g. a category deleted meanwhile).
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        """A file that cannot be read (or has too many rows) is a form error; its kept copy is removed."""
        kept = getattr(form.cleaned_data.get("import_file"), "tmp_storage_name", None)
        if isinstance(e, TooManyRows):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)
        if kept:
            self.get_tmp_storage_class()(name=kept).remove()

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except ImportFileGone:
            messages.error(
                request,
                "The previewed file is no longer available (imported already, or expired); nothing was changed. "
                "Upload it again to import it.",
            )
        except TooManyRows as exc:
            messages.error(request, f"{exc} Nothing was changed.")
        return HttpResponseRedirect(self._import_url())

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, "Import failed; nothing was changed. " + " | ".join(describe_errors(result)))
            return HttpResponseRedirect(self._import_url())
        return super().process_result(result, request)

    def _import_url(self) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")


class KeyForeignKeyWidget(ForeignKeyWidget):
    """A relation by natural key (`slug`, `email`, `sku`) whose miss is a clear field error, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value.strip() if isinstance(value, str) else value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.model._meta.verbose_name} with {self.field} {value!r}.") from None


class KeyManyToManyWidget(ManyToManyWidget):
    """Several related objects by natural key, separated by `separator`; any unknown key is an error.

    Each key is looked up once per import (a resource works on its own copy of the widget), so a file
    naming the same few categories on every row does not query them row by row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = {}

    def clean(self, value, row=None, **kwargs):
        keys = sorted({key.strip() for key in str(value or "").split(self.separator) if key.strip()})
        unseen = [key for key in keys if key not in self.known]
        if unseen:
            found = self.model.objects.filter(**{f"{self.field}__in": unseen})
            self.known.update({str(getattr(obj, self.field)): obj for obj in found})
        missing = [key for key in keys if key not in self.known]
        if missing:
            raise ValueError(f"No {self.model._meta.verbose_name} with {self.field} {', '.join(missing)}.")
        return [self.known[key] for key in keys]


class PrefetchedInstanceLoader(ModelInstanceLoader):
    """The file's existing rows, loaded a few thousand keys a query (by the one import id field) instead of
    one query a row. A resource whose instances must be read under a lock reads them again when it saves."""

    chunk = 5_000

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        (name,) = resource.get_import_id_fields()
        self.field = resource.fields[name]
        keys = sorted({key for key in map(self._key, dataset.dict) if key not in (None, "")})
        self.instances = {}
        for start in range(0, len(keys), self.chunk):
            lookup = {f"{self.field.attribute}__in": keys[start : start + self.chunk]}
            self.instances.update({self.field.get_value(obj): obj for obj in self.get_queryset().filter(**lookup)})

    def _key(self, row):
        try:
            return self.field.clean(row)
        except (KeyError, ValueError):
            return None

    def get_instance(self, row):
        return self.instances.get(self._key(row))


class UniqueValues:
    """Who holds each value of a unique column, for the values of a whole file (a few queries), and which row of
    the file claimed it first: a row's clash is its error without a query of its own."""

    chunk = 5_000

    def __init__(self, model, field: str, values):
        self.model, self.field = model, field
        self.owners, self.claims = {}, {}
        self._load(sorted({value for value in values if value}))

    def _load(self, values: list) -> None:
        for start in range(0, len(values), self.chunk):
            lookup = {f"{self.field}__in": values[start : start + self.chunk]}
            self.owners.update(self.model.objects.filter(**lookup).values_list(self.field, "pk"))
        self.owners.update((value, None) for value in values if value not in self.owners)

    def error(self, instance, row_number) -> ValidationError | None:
        """The row's error for this column, if another row of the table holds its value or an earlier row of
        the file claimed it."""
        value = getattr(instance, self.field)
        if not value:
            return None
        if value not in self.owners:
            self._load([value])
        owner, first = self.owners[value], self.claims.setdefault(value, row_number)
        if owner is not None and owner != instance.pk:
            return instance.unique_error_message(self.model, (self.field,))
        if first != row_number:
            return ValidationError(f"Row {first} of this file has the same {self.field}.", code="unique")
        return None


FORMULA_REFUSED = "Looks like a spreadsheet formula (starts with =, +, - or @); prefix it with ' to import it as text."


class TranslationColumn(fields.Field):
    """A field's column in a language other than the default (`title_tr`): an empty cell is no translation
    (the default language's value is shown), stored as NULL, and "" and NULL compare equal, so that a file
    exported and imported again changes nothing."""

    def get_value(self, instance):
        return super().get_value(instance) or ""

    def clean(self, row, **kwargs):
        return super().clean(row, **kwargs) or None


class ShopResource(resources.ModelResource):
    """A ModelResource whose every bad cell becomes a field error of its row (shown in the preview),
    many-to-many cells included; import-export itself turns some (e.g. "x" as a number) into crashes.
    The cleaned many-to-many values are kept in `instance.cleaned_m2m` for the save."""

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        if not hasattr(django_field, "translated_field"):  # not modeltranslation's field of one language
            return field
        return TranslationColumn(
            attribute=field.attribute, column_name=field.column_name, widget=field.widget, readonly=readonly
        )

    def import_data(self, dataset, **kwargs):
        """With the default language active: a translated field's own column (`title`) is the default
        language's, its other columns (`title_tr`) name their language (shop.core.translated)."""
        with default_language_active():
            return super().import_data(dataset, **kwargs)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        with default_language_active():
            return super().export_resource(instance, selected_fields, **kwargs)

    #: Validate the model's Meta.constraints row by row (one query each). A resource whose constraints only
    #: repeat field validators, or cover columns no file sets, may skip that: the database keeps them.
    validate_constraints = True

    def import_instance(self, instance, row, **kwargs):
        instance.cleaned_m2m = {}
        errors = {}
        for field in self.get_import_fields():
            if not field.attribute or field.column_name not in row:
                continue
            if isinstance(row[field.column_name], FormulaCell):
                errors[field.attribute] = ValidationError(FORMULA_REFUSED, code="formula")
                continue
            try:
                if isinstance(field.widget, ManyToManyWidget):
                    # only checked here; `save_m2m` (or the service) writes it once the row is saved
                    instance.cleaned_m2m[field.attribute] = field.clean(row)
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

    def after_import_row(self, row, row_result, **kwargs):
        """A background job hands `progress` (a callable taking the rows done) to follow the import."""
        super().after_import_row(row, row_result, **kwargs)
        if kwargs.get("progress"):
            kwargs["progress"](kwargs["row_number"])

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """As import-export's, with `validate_constraints` deciding whether Meta.constraints are checked."""
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            try:
                instance.full_clean(
                    exclude=[*errors.keys(), *self.clean_exclude(instance)],
                    validate_unique=validate_unique,
                    validate_constraints=self.validate_constraints,
                )
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean_exclude(self, instance) -> tuple[str, ...]:
        """Model fields that `full_clean` leaves to the service for this row (e.g. a variant's empty title)."""
        return ()

    def save_instance(self, instance, is_create, row, **kwargs):
        """Rows are saved through services (in `do_instance_save` or `after_save_instance`): a rule they
        enforce becomes the row's error, as a bad cell does."""
        with service_errors():
            super().save_instance(instance, is_create, row, **kwargs)


@contextmanager
def service_errors():
    """Turn a service's DomainError into a ValidationError of the row: its field errors, else its text."""
    try:
        yield
    except DomainError as exc:
        errors = exc.extra.get("errors")
        raise ValidationError(dict(errors) if errors else {NON_FIELD_ERRORS: [error_text(exc)]}) from None


def adopt_saved(instance, saved) -> None:
    """Make the row's instance the object a create service saved (its id and the values it stored)."""
    for field in saved._meta.concrete_fields:
        setattr(instance, field.attname, getattr(saved, field.attname))
    instance._state.adding = False
