"""Strict list filtering: a query value the API cannot honour is a 400 problem, never an empty or
unfiltered list (contract, "Lists").

* `FilterBackend` runs the view's django-filter FilterSet and raises DRF's ValidationError with the
  form's errors (form-wide errors under `non_field_errors`).
* `OrderingFilter` refuses unknown `ordering` terms, maps public names to model fields through the
  view's `ordering_field_map` and ends every ordering with the primary key so pages are stable.
* `SearchFilter` splits `search` into terms as DRF does; a view with a search index of its own answers them
  through its `search_queryset(queryset, terms)`. A translated field is searched in the requested language and
  in the default one (an untranslated name shows, and is found by, the default language's text).
* `StrictBooleanFilter` accepts only true/false/1/0 (django-filter's BooleanFilter quietly treats
  `maybe` as "no filter").
"""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as django_filters
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from shop.core.i18n import searched_columns

TRUE_VALUES = {"true", "1"}
FALSE_VALUES = {"false", "0"}


class FilterBackend(django_filters.DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not _names_any_filter(request.query_params, filterset_class.base_filters):
            return queryset  # nothing to validate or apply: no FilterSet and form built (most list requests)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(_form_errors(filterset.form))
        return filterset.qs


def _names_any_filter(params, filter_names) -> bool:
    """Whether a query parameter is one of the filters, or a part of one (`date_joined_after` of a range)."""
    return any(param == name or param.startswith(f"{name}_") for param in params for name in filter_names)


def _form_errors(form) -> dict:
    errors = {}
    for name, messages in form.errors.items():
        key = "non_field_errors" if name == forms.forms.NON_FIELD_ERRORS else name
        errors[key] = list(messages)
    return errors


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=price,-title`: unknown terms → 400 naming them and the allowed ones."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param, "")
        terms = [term.strip() for term in raw.split(",") if term.strip()]
        if not terms:
            return self._with_tiebreaker(self.get_default_ordering(view) or ())
        allowed = [name for name, _label in self.get_valid_fields(queryset, view, {"request": request})]
        unknown = [term for term in terms if term.lstrip("-") not in allowed]
        if unknown:
            message = f"Unknown ordering field(s): {', '.join(unknown)}. Allowed: {', '.join(allowed)}."
            raise ValidationError({self.ordering_param: [message]})
        mapping = getattr(view, "ordering_field_map", {})
        return self._with_tiebreaker([_map_term(term, mapping) for term in terms])

    @staticmethod
    def _with_tiebreaker(ordering) -> list[str]:
        ordering = list(ordering)
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering.append("-pk" if ordering[-1].startswith("-") else "pk")
        return ordering

    def get_schema_operation_parameters(self, view):
        allowed = [name for name, _label in self.get_valid_fields(getattr(view, "queryset", None), view, {})]
        choices = [prefix + name for name in allowed for prefix in ("", "-")]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Comma-separated fields, `-` for descending. Allowed: {', '.join(allowed)}.",
                "schema": {"type": "array", "items": {"type": "string", "enum": choices}},
                "style": "form",
                "explode": False,
            }
        ]


class SearchFilter(filters.SearchFilter):
    def filter_queryset(self, request, queryset, view):
        search = getattr(view, "search_queryset", None)
        if search is None:
            self.model = queryset.model  # a backend is made for each list it filters
            return super().filter_queryset(request, queryset, view)
        terms = self.get_search_terms(request)
        return search(queryset, terms) if terms else queryset

    def get_search_fields(self, view, request):
        fields = super().get_search_fields(view, request)
        model = getattr(self, "model", None)
        return searched_columns(model, fields) if fields and model is not None else fields


def _map_term(term: str, mapping: dict) -> str:
    descending = term.startswith("-")
    name = mapping.get(term.lstrip("-"), term.lstrip("-"))
    return f"-{name}" if descending else name


class StrictNullBooleanField(forms.NullBooleanField):
    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise DjangoValidationError("Must be true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """The REST BooleanFilter's widget turns unknown words into "no value"; a plain text input does not."""

    field_class = StrictNullBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)
