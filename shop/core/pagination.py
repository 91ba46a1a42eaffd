from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` (1-based) and `page_size` (alias `limit`): default 20, clamped to 100. A value that is not a whole
    number from 1 is a 400 for both; a page past the end is a 404."""

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
