"""The catalog's translatable fields (django-modeltranslation): each gets one column per content language
(`title_en`, `title_tr`); `title` reads the active language, falling back to the default one."""

from modeltranslation.translator import TranslationOptions, register

from shop.catalog.models import Attribute, AttributeValue, Category, Product


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Attribute)
class AttributeTranslation(TranslationOptions):
    fields = ("name",)


@register(AttributeValue)
class AttributeValueTranslation(TranslationOptions):
    fields = ("name",)
