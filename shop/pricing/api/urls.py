"""This app's part of /api/v1/: `routes` go on the shared router in shop/api_urls.py, `urlpatterns` beside it."""

from shop.pricing.api.views import ShippingMethodViewSet, TaxRateViewSet, VoucherViewSet

routes = [  # (prefix, viewset, basename)
    ("shipping-methods", ShippingMethodViewSet, "shipping-method"),
    ("tax-rates", TaxRateViewSet, "tax-rate"),
    ("vouchers", VoucherViewSet, "voucher"),
]
urlpatterns = []
