from django.contrib import admin

from shop.carts.models import Cart, CartItem


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    autocomplete_fields = ("product",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "session_key", "status", "updated_at", "expires_at")
    list_filter = ("status",)
    search_fields = ("user__email", "session_key")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    inlines = (CartItemInline,)
