"""DRF's JSON parser with a nesting limit.

Python's json module recurses once per level, so a body of a few thousand `[` raises RecursionError,
which DRF does not catch (a 500). No shop document nests deeper than a handful of levels; anything
deeper than `MAX_DEPTH` is refused as a malformed request (400) before a serializer sees it.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32
TOO_DEEP = f"JSON parse error - the document nests deeper than {MAX_DEPTH} levels."


def json_depth_exceeds(data, limit: int = MAX_DEPTH) -> bool:
    """Whether `data` (parsed JSON) holds containers nested deeper than `limit`, checked without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        pending.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if json_depth_exceeds(data):
            raise ParseError(TOO_DEEP)
        return data
