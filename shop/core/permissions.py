"""Staff powers in the API are Django model permissions: the same `<app>.<action>_<model>` the admin and the
groups of `setup_roles` use. Being `is_staff` grants nothing here (it only opens the admin's door).

Two shapes of resource:

* Shared resources (categories, products): anyone reads; a write needs the model permission of its method
  (`ModelPermissionsOrReadOnly`, DRF's `DjangoModelPermissionsOrAnonReadOnly`).
* Owned resources (users, addresses, carts, orders): the view's queryset holds the caller's own objects,
  plus everyone's for a holder of the model's view_ (or change_) permission, so someone else's object is a
  404 to everybody else. Acting on someone else's object also needs the permission the view names for that
  action in `staff_permissions` (`OwnedObjectPermission`); the owner needs none.
"""

from rest_framework import permissions


def model_permission(model, action: str) -> str:
    """`"catalog.change_product"` for (Product, "change")."""
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def has_model_permission(user, model, action: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(model_permission(model, action)))


def sees_all(user, model) -> bool:
    """The admin's rule: the view_ or the change_ permission shows every object of the model."""
    return has_model_permission(user, model, "view") or has_model_permission(user, model, "change")


class ModelPermissionsOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; POST needs add_, PUT/PATCH change_, DELETE delete_ of the queryset's model."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS and not self.perms_map.get(request.method):
            return True  # DRF would build the view's queryset only to learn that reading needs nothing
        return super().has_permission(request, view)


class StaffModelPermissions(permissions.DjangoModelPermissions):
    """Staff-only resources (tax rates, vouchers): reading needs the model's view_ permission too."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class OwnedObjectPermission(permissions.BasePermission):
    """The owner acts on their own object; someone else's (visible only to holders of the view_ permission)
    needs `view.staff_permissions[view.action]` for anything but reading.

    A value is an action word (`"change"`: the model's change_ permission) or a full permission name
    (`"orders.change_order_status"`). An action missing from the mapping is refused on others' objects,
    so a new action is owner-only until someone decides otherwise. The view says who owns what
    (`view.is_owner(obj)`).
    """

    message = "You may not do this to someone else's object."

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS or view.is_owner(obj):
            return True  # reading: the queryset already decided who sees what
        required = getattr(view, "staff_permissions", {}).get(view.action)
        if required is None:
            return False
        perm = required if "." in required else model_permission(type(obj), required)
        return request.user.has_perm(perm)


class SuperuserOnlyAdminMixin:
    """A ModelAdmin that only superusers see or use (tables of secrets and security records), whatever
    model permissions a staff member holds."""

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return request.user.is_superuser and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)
