from decimal import Decimal

from rest_framework import serializers

from shop.core.serializers import StrictSerializer
from shop.orders.models import MONEY
from shop.payments.models import Payment, Refund, RefundLine


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ("id", "provider", "status", "amount", "currency", "created_at")
        read_only_fields = fields


class PaymentStartedSerializer(PaymentSerializer):
    client_secret = serializers.CharField(
        allow_null=True, read_only=True, help_text="Stripe: hand it to Stripe.js to confirm the payment."
    )
    instructions = serializers.CharField(allow_null=True, read_only=True, help_text="Manual: how to pay.")

    class Meta(PaymentSerializer.Meta):
        fields = (*PaymentSerializer.Meta.fields, "client_secret", "instructions")
        read_only_fields = fields


class PaymentStartSerializer(StrictSerializer):
    provider = serializers.ChoiceField(choices=Payment.Provider.choices)


class ManualPaymentSerializer(StrictSerializer):
    amount = serializers.DecimalField(**MONEY, min_value=Decimal("0.01"))
    reference = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class RefundLineSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="item_id", read_only=True, help_text="The order item's id.")

    class Meta:
        model = RefundLine
        fields = ("item", "quantity")
        read_only_fields = fields


class RefundSerializer(serializers.ModelSerializer):
    lines = RefundLineSerializer(many=True, read_only=True)

    class Meta:
        model = Refund
        fields = ("id", "amount", "reason", "restocked", "lines", "created_at")
        read_only_fields = fields


class RefundLineRequestSerializer(StrictSerializer):
    item = serializers.IntegerField(min_value=1, help_text="An item id of this order.")
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class RefundRequestSerializer(StrictSerializer):
    lines = RefundLineRequestSerializer(many=True, required=False, max_length=500)
    amount = serializers.DecimalField(
        **MONEY, min_value=Decimal("0.01"), required=False, help_text="Default: the lines' share of what was charged."
    )
    restock = serializers.BooleanField(default=False, help_text="Put the lines' units back in stock.")
    reason = serializers.CharField(max_length=255)
