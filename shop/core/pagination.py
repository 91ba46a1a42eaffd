from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` (1-based) and `page_size` (alias `limit`): default 20, clamped to 100, below 1 is a 400."""

    page_size = 20
    page_size_query_param = "page_size"
    page_size_aliases = ("page_size", "limit")
    max_page_size = 100
    page_size_query_description = "Results per page: 1 to 100 (larger values are clamped to 100), default 20."
    page_query_description = "1-based page number; a page past the end is a 404 problem."

    def get_page_size(self, request):
        for name in self.page_size_aliases:
            raw = request.query_params.get(name)
            if raw is not None:
                return self._parse_page_size(name, raw)
        return self.page_size

    def _parse_page_size(self, name, raw):
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({name: [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return min(size, self.max_page_size)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "next", "previous", "results"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:  # 0 and below are refused (page: 404, page_size: 400)
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
