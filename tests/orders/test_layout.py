"""Where the checkout code lives: views import no other view module, the body's serializer is the orders app's."""

import ast
from pathlib import Path

from shop.orders.api import checkout


def test_the_checkout_view_imports_no_other_view_module():
    tree = ast.parse(Path(checkout.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.endswith(".views") or ".api.views" in name}


def test_the_checkout_body_is_described_by_the_orders_app():
    assert checkout.CheckoutView.serializer_class.__module__ == "shop.orders.api.serializers"
