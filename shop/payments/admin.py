"""Payments, their provider events and refunds in the admin; on the order page, "Record manual payment" and
"Refund", each behind its own permission. The order admin is the orders app's, extended here (payments is the
floor above it): the payments and refunds are shown on it and its buttons added."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html_join

from shop.core.admin_actions import error_text
from shop.core.exceptions import DomainError
from shop.orders.admin import OrderAdmin, ReadOnlyInline
from shop.orders.models import Order
from shop.payments.forms import RecordPaymentForm, RefundForm
from shop.payments.models import RECORD_MANUAL_PERMISSION, REFUND_PERMISSION, Payment, PaymentEvent, Refund, RefundLine
from shop.payments.refunds import REFUNDABLE, refund_create
from shop.payments.services import order_amount_paid, payment_record_manual


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # money records stay whole


class PaymentEventInline(ReadOnlyInline):
    model = PaymentEvent
    fields = ("received_at", "type", "event_id", "outcome")
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "order",
        "provider",
        "status",
        "amount",
        "amount_refunded",
        "currency",
        "flagged",
        "created_at",
    )
    list_filter = ("provider", "status", "flagged", "created_at")
    search_fields = ("order__number", "reference")
    list_select_related = ("order",)
    readonly_fields = (
        "order", "provider", "status", "amount", "amount_refunded", "currency", "reference", "flagged", "flag_reason",
        "recorded_by", "created_at", "updated_at",
    )  # fmt: skip
    inlines = (PaymentEventInline,)


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "type", "event_id", "payment", "outcome")
    list_filter = ("provider", "type")
    search_fields = ("event_id", "payment__reference", "payment__order__number")
    list_select_related = ("payment",)
    readonly_fields = ("provider", "event_id", "type", "payment", "outcome", "payload", "received_at")


class RefundLineInline(ReadOnlyInline):
    model = RefundLine
    fields = ("item", "quantity")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("order", "amount", "payment", "restocked", "reason", "created_by", "created_at")
    list_filter = ("restocked", "created_at")
    search_fields = ("order__number", "reason", "reference")
    list_select_related = ("order", "payment", "created_by")
    readonly_fields = ("order", "payment", "amount", "reason", "restocked", "reference", "created_by", "created_at")
    inlines = (RefundLineInline,)


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = (
        "created_at",
        "provider",
        "status",
        "amount",
        "amount_refunded",
        "currency",
        "reference",
        "flag",
        "events",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("events")

    @admin.display(description="flagged for staff")
    def flag(self, payment):
        return payment.flag_reason if payment.flagged else "-"

    @admin.display(description="provider events")
    def events(self, payment):
        rows = ((e.received_at.strftime("%Y-%m-%d %H:%M:%S"), e.type, e.outcome) for e in payment.events.all())
        return format_html_join("", "<div>{} {}: {}</div>", rows) or "-"


class RefundInline(ReadOnlyInline):
    model = Refund
    fk_name = "order"
    fields = ("created_at", "amount", "reason", "restocked", "returned", "reference", "created_by")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by").prefetch_related("lines__item")

    @admin.display(description="lines")
    def returned(self, refund):
        return ", ".join(f"{line.quantity} x {line.item.sku}" for line in refund.lines.all()) or "-"


class PaymentsOrderAdmin(OrderAdmin):
    change_form_template = "admin/payments/order/change_form.html"
    inlines = (*OrderAdmin.inlines, PaymentInline, RefundInline)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/record-payment/", wrap(self.record_payment_view), name="orders_order_record_payment"
            ),
            path("<path:object_id>/refund/", wrap(self.refund_view), name="orders_order_refund"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, unquote(object_id))
        buttons = []
        if order is not None and self._may_record(request, order):
            buttons.append(("admin:orders_order_record_payment", "Record manual payment"))
        if order is not None and self._may_refund(request, order):
            buttons.append(("admin:orders_order_refund", "Refund"))
        extra_context = {**(extra_context or {}), "payment_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _may_record(request, order) -> bool:
        payable = order.payment_status == Order.PaymentStatus.UNPAID and order.status != Order.Status.CANCELLED
        return payable and request.user.has_perm(RECORD_MANUAL_PERMISSION)

    @staticmethod
    def _may_refund(request, order) -> bool:
        return order.payment_status in REFUNDABLE and request.user.has_perm(REFUND_PERMISSION)

    def _order_for(self, request, object_id, permission: str) -> Order:
        order = get_object_or_404(Order, pk=unquote(object_id))
        if not (self.has_view_permission(request, order) and request.user.has_perm(permission)):
            raise PermissionDenied
        return order

    def record_payment_view(self, request, object_id):
        order = self._order_for(request, object_id, RECORD_MANUAL_PERMISSION)
        due = order.total - order_amount_paid(order)
        form = RecordPaymentForm(request.POST or None, initial={"amount": due})
        if request.method == "POST" and form.is_valid():
            done = self._run(
                request, form, lambda: payment_record_manual(order=order, by=request.user, **form.cleaned_data)
            )
            if done:
                self.message_user(request, f"{order}: payment of {done.amount} recorded.", messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(order))
        return self._form_page(request, order, form, f"Record a manual payment of {order}")

    def refund_view(self, request, object_id):
        order = self._order_for(request, object_id, REFUND_PERMISSION)
        refunded = dict(
            RefundLine.objects.filter(item__order=order).values_list("item").annotate(n=Sum("quantity")).order_by()
        )
        form = RefundForm(request.POST or None, order=order, refunded=refunded)
        if request.method == "POST" and form.is_valid():
            done = self._run(
                request, form, lambda: refund_create(order=order, by=request.user, **form.service_arguments())
            )
            if done:
                self.message_user(request, f"{order}: {done.amount} refunded.", messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(order))
        return self._form_page(request, order, form, f"Refund {order}")

    @staticmethod
    def _run(request, form, operation):
        """The service's answer, or None with its refusal shown on the form."""
        try:
            return operation()
        except DomainError as exc:
            form.add_error(None, error_text(exc))
            return None

    def _form_page(self, request, order, form, title):
        context = {
            **self.admin_site.each_context(request),
            "title": title, "form": form, "order": order, "opts": self.model._meta,
            "media": self.media + form.media, "change_url": self._change_url(order),
        }  # fmt: skip
        return TemplateResponse(request, "admin/payments/order/action_form.html", context)


admin.site.unregister(Order)
admin.site.register(Order, PaymentsOrderAdmin)
