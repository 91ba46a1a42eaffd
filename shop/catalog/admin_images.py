"""The product page's image inline and the thumbnails of the product list.

Uploads are checked by the form (`image_clean`, the rule the API uses), so a bad file is a field error and
nothing of the product's page is saved; the formset then writes through the image services. Which image is
primary is checked for the whole formset: one box at most, and the primary image keeps its flag until
another takes it.
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.templatetags.static import static
from django.utils.html import format_html

from shop.catalog.images import (
    PRIMARY_STAYS,
    image_clean,
    product_image_add,
    product_image_delete,
    product_image_update,
)
from shop.catalog.models import ProductImage
from shop.catalog.selectors import product_image_urls
from shop.core.exceptions import InvalidInput

PLACEHOLDER = "catalog/no-image.svg"
ONE_PRIMARY = "Only one image can be primary."
CHOOSE_FILE = "Choose an image file."


def thumbnail_tag(url: str | None, size: int = 40):
    """An <img> of `url`, or the neutral placeholder when there is no image (never a broken icon)."""
    src = url or static(PLACEHOLDER)
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy" style="object-fit:contain">', src, size, size
    )


def product_thumbnail(product):
    """The product list's picture: the primary image's thumbnail, else the external URL, else the placeholder."""
    urls = product_image_urls(product)
    return thumbnail_tag(urls.thumbnail or urls.image)


class ProductImageForm(forms.ModelForm):
    upload = forms.FileField(
        label="file", required=False, help_text="JPEG, PNG or WebP; stored re-encoded, without metadata."
    )

    class Meta:
        model = ProductImage
        fields = ("alt", "position", "is_primary")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cleaned_image = None
        self.fields["position"].required = False
        self.fields["position"].help_text = "Empty: after the last image."
        if self.instance.pk:  # a stored image is replaced by deleting it and uploading another
            self.fields["upload"].disabled = True
            self.fields["upload"].widget = forms.HiddenInput()
        else:
            self.initial["position"] = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if self.instance.pk:
            return None
        if upload is None:
            raise forms.ValidationError(CHOOSE_FILE)
        try:
            self.cleaned_image = image_clean(upload)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.errors["file"]) from None
        return upload


class ProductImageFormSet(BaseInlineFormSet):
    """The boxes work like radio buttons: a box checked beside the current primary image's wins, so
    checking another image is enough; two such boxes are an error, and so is clearing the current one's
    without checking another."""

    def clean(self):
        super().clean()
        self.primary_form = None
        kept = [form for form in self.forms if form.is_valid() and form.cleaned_data]
        kept = [form for form in kept if not self._should_delete_form(form)]
        current = [form for form in kept if form.instance.pk and form.initial.get("is_primary")]
        checked = [form for form in kept if form.cleaned_data.get("is_primary") and form not in current]
        if len(checked) > 1:
            raise forms.ValidationError(ONE_PRIMARY)
        if checked:
            self.primary_form = checked[0]
        elif current and not current[0].cleaned_data.get("is_primary"):
            raise forms.ValidationError(PRIMARY_STAYS)

    def save(self, commit=True):
        """Through the services: deletions first, then changes and uploads. The winning box (`clean`) takes the
        primary flag; the others say nothing (a first upload still becomes primary). The lists of new, changed
        and deleted objects are the admin's change message."""
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.deleted_forms:
            if form.instance.pk:
                product_image_delete(image=form.instance)
                self.deleted_objects.append(form.instance)
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed():
                continue
            data = form.cleaned_data
            values = {"alt": data["alt"], "position": data["position"], "is_primary": form is self.primary_form or None}
            if form.instance.pk:
                self.changed_objects.append((product_image_update(image=form.instance, **values), form.changed_data))
            else:
                self.new_objects.append(product_image_add(product=self.instance, file=form.cleaned_image, **values))
        return self.new_objects


class ProductImageInline(admin.TabularInline):
    """Images of the product with their previews; permissions are those of ProductImage (add_, change_,
    delete_productimage), as in the API."""

    model = ProductImage
    form = ProductImageForm
    formset = ProductImageFormSet
    fields = ("preview", "upload", "alt", "position", "is_primary", "size")
    readonly_fields = ("preview", "size")
    extra = 1
    ordering = ("position", "id")

    class Media:
        js = ("catalog/image-preview.js",)

    @admin.display(description="preview")
    def preview(self, obj):
        return thumbnail_tag(obj.thumbnail.url if obj and obj.pk else None, size=80)

    @admin.display(description="size")
    def size(self, obj):
        return f"{obj.width} x {obj.height}" if obj and obj.pk else "-"
