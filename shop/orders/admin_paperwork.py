"""The order page's fulfilment tools: add a shipment, the invoice and packing slip PDFs, re-sending a customer
email. Each is a view of its own behind its own permission (shown as a button only to those who hold it); each
calls the service or document function the API calls."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from shop.core.admin_actions import error_text
from shop.core.exceptions import DomainError
from shop.orders.documents import invoice_pdf, packing_slip_pdf, pdf_response
from shop.orders.emails import customer_email_resend
from shop.orders.models import (
    ADD_SHIPMENT_PERMISSION,
    INVOICE_PERMISSION,
    PACKING_SLIP_PERMISSION,
    RESEND_EMAIL_PERMISSION,
    Order,
)
from shop.orders.services import shipment_create


class ShipmentForm(forms.Form):
    carrier = forms.CharField(max_length=100)
    tracking_number = forms.CharField(max_length=100)
    tracking_url = forms.URLField(max_length=500, required=False, assume_scheme="https")


#: (permission, url name suffix, label) of the order page's paperwork buttons
TOOLS = (
    (ADD_SHIPMENT_PERMISSION, "add_shipment", "Add shipment"),
    (INVOICE_PERMISSION, "invoice", "Invoice PDF"),
    (PACKING_SLIP_PERMISSION, "packing_slip", "Packing slip PDF"),
    (RESEND_EMAIL_PERMISSION, "resend_email", "Re-send email"),
)


class OrderPaperworkMixin:
    """For the order ModelAdmin: the paperwork views, their URLs and the buttons the change page shows."""

    def paperwork_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/shipments/add/", wrap(self.add_shipment_view), name="orders_order_add_shipment"),
            path("<path:object_id>/invoice/", wrap(self.invoice_view), name="orders_order_invoice"),
            path("<path:object_id>/packing-slip/", wrap(self.packing_slip_view), name="orders_order_packing_slip"),
            path("<path:object_id>/emails/", wrap(self.resend_email_view), name="orders_order_resend_email"),
        ]

    def paperwork_tools(self, request, order) -> list[tuple[str, str]]:
        """(url, label) of the buttons this user may use on this order."""
        tools = []
        for permission, name, label in TOOLS:
            if not request.user.has_perm(permission) or (name == "invoice" and not order.invoice_number):
                continue
            tools.append((reverse(f"admin:orders_order_{name}", args=[order.pk]), label))
        return tools

    def _order_for(self, request, object_id, permission) -> Order:
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return get_object_or_404(Order.objects.select_related("user"), pk=unquote(object_id))

    def _back_to(self, order):
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))

    def _page(self, request, order, template, **context):
        context = {**self.admin_site.each_context(request), "opts": Order._meta, "original": order, **context}
        return TemplateResponse(request, f"admin/orders/order/{template}", context)

    def add_shipment_view(self, request, object_id):
        order = self._order_for(request, object_id, ADD_SHIPMENT_PERMISSION)
        form = ShipmentForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                shipment_create(order=order, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                self.message_user(request, f"{order}: {error_text(exc)}", messages.ERROR)
            else:
                self.message_user(request, f"{order}: shipment recorded, the customer is mailed.", messages.SUCCESS)
                return self._back_to(order)
        return self._page(request, order, "add_shipment.html", title=f"Add a shipment to {order}", form=form)

    def invoice_view(self, request, object_id):
        order = self._order_for(request, object_id, INVOICE_PERMISSION)
        try:
            return pdf_response(invoice_pdf(order), filename=f"{order.invoice_number}.pdf", inline=True)
        except DomainError as exc:
            self.message_user(request, f"{order}: {error_text(exc)}", messages.ERROR)
            return self._back_to(order)

    def packing_slip_view(self, request, object_id):
        order = self._order_for(request, object_id, PACKING_SLIP_PERMISSION)
        return pdf_response(packing_slip_pdf(order), filename=f"packing-slip-{order.number}.pdf", inline=True)

    def resend_email_view(self, request, object_id):
        order = self._order_for(request, object_id, RESEND_EMAIL_PERMISSION)
        if request.method == "POST":
            return self._resend(request, order)
        emails = order.emails.filter(resend=False).order_by("created_at", "id")
        return self._page(request, order, "resend_email.html", title=f"Re-send an email of {order}", emails=emails)

    def _resend(self, request, order):
        email = get_object_or_404(order.emails.filter(resend=False), pk=_int_or_zero(request.POST.get("email")))
        customer_email_resend(email=email, by=request.user)
        self.message_user(request, f"{order}: “{email.get_kind_display()}” is sent again.", messages.SUCCESS)
        return self._back_to(order)


def _int_or_zero(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
