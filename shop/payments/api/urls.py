"""This app's part of /api/v1/ (shop/api_urls.py)."""

from django.urls import path

from shop.payments.api.views import ManualPaymentView, OrderPaymentsView, OrderRefundsView, StripeWebhookView

routes = []  # (prefix, viewset, basename): none, the parts of an order are plain views
urlpatterns = [
    path("orders/<int:pk>/payments/", OrderPaymentsView.as_view(), name="order-payments"),
    path("orders/<int:pk>/payments/manual/", ManualPaymentView.as_view(), name="order-payment-manual"),
    path("orders/<int:pk>/refunds/", OrderRefundsView.as_view(), name="order-refunds"),
    path("payments/webhooks/stripe/", StripeWebhookView.as_view(), name="stripe-webhook"),
]
