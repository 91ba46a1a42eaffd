from django.contrib import admin

from shop.catalog.models import Category, Product, Rating, StockMovement


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "title", "price", "stock", "is_active", "rating_rate", "rating_count")
    list_filter = ("is_active", "categories")
    search_fields = ("title", "sku", "slug")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("categories",)
    readonly_fields = ("stock", "rating_rate", "rating_count", "created_at", "updated_at")


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("product", "user", "value", "created_at")
    list_filter = ("value",)
    search_fields = ("product__sku", "product__title", "user__email")
    list_select_related = ("product", "user")
    autocomplete_fields = ("product", "user")


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ("product", "delta", "reason", "reference", "user", "created_at")
    list_filter = ("reason",)
    search_fields = ("product__sku", "reference")
    list_select_related = ("product", "user")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
