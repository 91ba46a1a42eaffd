import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from shop.catalog.api.serializers import ProductSerializer
from shop.core.renderers import ORJSONRenderer

UTC = datetime.UTC
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def both(data) -> tuple[bytes, bytes]:
    return ORJSONRenderer().render(data), JSONRenderer().render(data)


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": [1.5, None, True], "c": "naïve ☃"},
        datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime.datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),
        datetime.datetime(2025, 6, 1, 12, 0, tzinfo=PARIS),
        datetime.datetime(2025, 1, 2, 3, 4, 5),
        datetime.date(2025, 1, 2),
        datetime.time(10, 30, 15, 250000),
        datetime.timedelta(minutes=90),
        decimal.Decimal("12.50"),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        gettext_lazy("Not found."),
        {1: "int keys become strings"},
        (1, 2, 3),
        "line\u2028separator\u2029paragraph",
        b"bytes",
    ],
)
def test_renders_what_drf_renders(value):
    ours, drf = both({"value": value})
    assert ours == drf


def test_renders_nothing_for_none():
    assert ORJSONRenderer().render(None) == b""


def test_renders_serializer_output_like_drf(db):
    from tests.factories import CategoryFactory, ProductFactory

    product = ProductFactory(categories=[CategoryFactory()])
    many = ProductSerializer([product], many=True).data
    assert isinstance(many, ReturnList) and isinstance(many[0], dict)
    ours, drf = both({"count": 1, "results": many, "one": ReturnDict(ProductSerializer(product).data, serializer=None)})
    assert ours == drf


def test_refuses_what_json_cannot_represent():
    with pytest.raises(TypeError):
        ORJSONRenderer().render({"value": object()})
