from rest_framework import permissions


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


class IsStaffOrReadOnly(permissions.BasePermission):
    """Anyone reads; only staff write."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or is_staff(request.user)
