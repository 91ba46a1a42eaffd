from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

#: From this many rows skipped on, a page is read ids first (`DeferredJoinPaginator`).
DEFERRED_FROM = 1000


class DeferredJoinPaginator(Paginator):
    """Deep pages without an OFFSET scan over whole rows.

    `OFFSET n` makes the database read and drop n complete rows. From `DEFERRED_FROM` rows on, the page's
    primary keys are read first (`SELECT id ... ORDER BY ... LIMIT ... OFFSET n`, which an index on the
    filter and ordering columns answers without touching the table), then only those rows, with the
    queryset's prefetches. Two queries instead of one, so shallow pages keep the single query.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEFERRED_FROM or not _plain_queryset(self.object_list):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        keys = list(self.object_list.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def _plain_queryset(object_list) -> bool:
    """A queryset whose rows a list of primary keys identifies (no DISTINCT, GROUP BY or combinator)."""
    if not isinstance(object_list, QuerySet):
        return False
    query = object_list.query
    return not (query.distinct or query.group_by or query.combinator or query.values_select)


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` (1-based) and `page_size` (alias `limit`): default 20, clamped to 100. A value that is not a whole
    number from 1 is a 400 for both; a page past the end is a 404. Deep pages: `DeferredJoinPaginator`."""

    django_paginator_class = DeferredJoinPaginator
    page_size = 20
    page_size_query_param = "page_size"
    page_size_aliases = ("page_size", "limit")
    max_page_size = 100
    page_size_query_description = "Results per page: 1 to 100 (larger values are clamped to 100), default 20."
    page_query_description = "1-based page number (not a whole number from 1: 400); a page past the end: 404."

    def get_page_size(self, request):
        for name in self.page_size_aliases:
            raw = request.query_params.get(name)
            if raw is not None:
                return self._parse_page_size(name, raw)
        return self.page_size

    def _parse_page_size(self, name, raw):
        size = _whole_number(raw)
        if size < 1:
            raise ValidationError({name: [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw in self.last_page_strings:
            return super().get_page_number(request, paginator)
        if _whole_number(raw) < 1:
            raise ValidationError({self.page_query_param: ["Must be a whole number from 1."]})
        return raw

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "next", "previous", "results"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:  # 0, below and junk are refused with a 400
            if parameter["name"] in (self.page_query_param, self.page_size_query_param):
                parameter["schema"]["minimum"] = 1
        parameters.append(
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": "Alias of page_size.",
                "schema": {"type": "integer", "minimum": 1},
            }
        )
        return parameters


def _whole_number(raw: str) -> int:
    """The integer `raw` spells, or 0 (never valid) when it spells none."""
    try:
        return int(raw)
    except ValueError:
        return 0
