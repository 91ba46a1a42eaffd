"""Pricing's translatable fields (django-modeltranslation): a shipping method's name, one column per language."""

from modeltranslation.translator import TranslationOptions, register

from shop.pricing.models import ShippingMethod


@register(ShippingMethod)
class ShippingMethodTranslation(TranslationOptions):
    fields = ("name",)
