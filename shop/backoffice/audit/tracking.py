"""What the audit log records, and the receivers that complete django-auditlog.

django-auditlog writes an entry from the model signals (`pre_save` diff against the stored row, `post_save`
for creations, `m2m_changed`). Three things it cannot know are added here:
- every entry is stamped with the actor and the source of `context` (`additional_data["source"]`);
- stock moves with a guarded queryset `update()` in `stock_adjust`, which sends no signal: the ledger row it
  writes does, so each staff movement (initial, adjustment, import, return) becomes a product entry
  `stock: old → new` with its reason. Sales and cancellations stay in the ledger and the order's history;
- a placed order is not logged (checkout is the customer's, `OrderStatusChange` records it); its status
  changes are. Likewise a new review is not logged; its status changes (moderation, or the author's edit
  sending it back to moderation) and its deletion are;
- a product image's entries (upload, alt, position, primary flag, deletion) are its own, and carry their
  product's id (`additional_data["product"]`) so that the product's History shows them too.
Passwords are masked to a constant: an entry says that the password changed, never what it was or became.
"""

from auditlog.context import auditlog_disabled
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save, pre_save

from shop.accounts.models import User
from shop.backoffice.audit.context import current_actor, current_source
from shop.backoffice.audit.resources import log_products_saved
from shop.catalog.bulk import products_saved
from shop.catalog.models import Category, Product, ProductImage, Review, StockMovement
from shop.core.translated import translated_columns
from shop.orders.models import Order

MASK = "(hidden)"
MASKED_FIELDS = ("password",)
#: model -> (tracked fields, many-to-many fields). Derived or bookkeeping columns (ratings, paths,
#: timestamps, last_login) are left out, so a login or a new rating writes no entry.
TRACKED = {
    Product: (
        translated_columns(Product, ("sku", "slug", "title", "description", "price", "image", "stock", "is_active")),
        ("categories",),
    ),  # translated fields in each language: `title` (the default language's), `title_tr`
    Category: (translated_columns(Category, ("name", "slug", "parent", "description")), ()),
    ProductImage: (("product", "file", "alt", "position", "is_primary"), ()),
    Order: (("status",), ()),
    Review: (("status",), ()),
    User: (
        ("email", "first_name", "last_name", "phone", "is_active", "is_staff", "is_superuser", "password"),
        ("groups", "user_permissions"),
    ),
    Group: (("name",), ("permissions",)),
}
#: Stock movements that a person decided; sales and cancellations follow orders.
LOGGED_STOCK_REASONS = frozenset(
    {
        StockMovement.Reason.INITIAL,
        StockMovement.Reason.ADJUSTMENT,
        StockMovement.Reason.IMPORT,
        StockMovement.Reason.RETURN,
    }
)


def mask(value: str) -> str:
    """auditlog's mask callable: the same constant on both sides, so only "it changed" is stored."""
    return MASK


def register_models() -> None:
    for model, (fields, m2m_fields) in TRACKED.items():
        if not auditlog.contains(model):
            auditlog.register(
                model,
                include_fields=list(fields),
                m2m_fields=set(m2m_fields),
                mask_fields=[name for name in fields if name in MASKED_FIELDS],
                mask_callable="shop.backoffice.audit.tracking.mask",
            )
    pre_save.connect(stamp_entry, sender=LogEntry, dispatch_uid="audit_stamp_entry")
    post_save.connect(log_stock_movement, sender=StockMovement, dispatch_uid="audit_stock_movement")
    products_saved.connect(log_products_saved, dispatch_uid="audit_products_saved")
    for model in (Order, Review):
        pre_log.connect(skip_creation, sender=model, dispatch_uid=f"audit_skip_creation_{model._meta.label}")


def stamp_entry(sender, instance: LogEntry, **kwargs) -> None:
    if instance.pk is not None:
        return
    actor = current_actor() if instance.actor_id is None else None
    if actor is not None:
        instance.actor_email = actor.email
        if not _deletes_itself(instance, actor):
            instance.actor = actor
    instance.additional_data = {"source": current_source(), **(instance.additional_data or {})}
    if instance.content_type_id == ContentType.objects.get_for_model(ProductImage).pk:
        instance.additional_data["product"] = _image_product_id(instance)


def _image_product_id(entry: LogEntry) -> int | None:
    """The image's product: from the entry's diff (an upload or a deletion names it), else from the row."""
    before, after = [*(entry.changes or {}).get("product", ()), None, None][:2]
    named = after if after is not None else before
    if named is None:
        named = ProductImage.objects.filter(pk=entry.object_pk).values_list("product_id", flat=True).first()
    return int(named) if named is not None else None


def _deletes_itself(entry: LogEntry, actor) -> bool:
    """A user deleting their own account: the entry keeps their email, a link to the deleted row would break."""
    return (
        entry.action == LogEntry.Action.DELETE
        and entry.content_type_id == ContentType.objects.get_for_model(User).pk
        and str(entry.object_pk) == str(actor.pk)
    )


def log_stock_movement(sender, instance: StockMovement, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.reason not in LOGGED_STOCK_REASONS or auditlog_disabled.get():
        return
    product = instance.product
    new = Product.objects.filter(pk=product.pk).values_list("stock", flat=True).first()
    if new is None:
        return
    extra = {"reason": instance.reason, "reference": instance.reference, "movement": instance.pk}
    LogEntry.objects.log_create(
        product,
        action=LogEntry.Action.UPDATE,
        changes={"stock": [new - instance.delta, new]},
        actor=instance.user,
        actor_email=getattr(instance.user, "email", None),
        additional_data=extra,
    )


def skip_creation(sender, instance, action, **kwargs):
    return action != LogEntry.Action.CREATE
