"""The cart file's items column ("SKU:2|SKU2:1"), read by the cart import."""

import pytest

from shop.carts.resources import parse_items


def test_items_add_up_per_sku():
    assert parse_items("MUG-1:2 | TEE-M:1|MUG-1:3") == {"MUG-1": 5, "TEE-M": 1}


@pytest.mark.parametrize("text", ["MUG-1:³", "MUG-1:٣", "MUG-1:0", "MUG-1:-1", "MUG-1", ":2"])
def test_a_line_without_a_plain_positive_quantity_is_refused_with_a_readable_message(text):
    with pytest.raises(ValueError, match="is not SKU:quantity with a quantity of at least 1"):
        parse_items(text)
