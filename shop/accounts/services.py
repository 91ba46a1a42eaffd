"""Business rules of accounts: users, passwords and addresses. Views and serializers call these."""

import logging

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from shop.accounts.models import Address, User
from shop.accounts.tokens import revoke_all_refresh
from shop.core.background import enqueue
from shop.core.exceptions import Conflict, DomainError, Forbidden

logger = logging.getLogger(__name__)

EMAIL_TAKEN = "This email address cannot be used."
USERNAME_TAKEN = "This username is taken."
USER_FIELDS = frozenset({"email", "username", "first_name", "last_name", "phone", "is_staff", "is_active"})
#: Only a superuser sets these, on anyone (the API does not even expose the last three).
PRIVILEGE_FIELDS = frozenset({"is_staff", "is_superuser", "groups", "user_permissions"})
#: ... and only a superuser changes these on another staff member's account (or deletes it).
STAFF_ACCOUNT_FIELDS = frozenset({"email", "password", "is_active"})


class EmailTaken(DomainError):
    """400 naming only the field, so a client learns nothing more about the existing account."""

    title = "Validation failed"

    def __init__(self):
        super().__init__("One or more fields are invalid.", extra={"errors": {"email": [EMAIL_TAKEN]}})


class UsernameTaken(DomainError):
    title = "Validation failed"

    def __init__(self):
        super().__init__("One or more fields are invalid.", extra={"errors": {"username": [USERNAME_TAKEN]}})


# --- the accounts rules: one home each, called by the API, the admin forms, the import and the manager -------


def email_normalize(email: str) -> str:
    """The one spelling of an email address: trimmed, lower-cased as a whole (`Ann@X.io` is `ann@x.io`)."""
    return BaseUserManager.normalize_email((email or "").strip()).lower()


def email_in_use(email: str, *, exclude_pk=None) -> bool:
    return User.objects.filter(email__iexact=email_normalize(email)).exclude(pk=exclude_pk).exists()


def email_clean(email: str, *, exclude_pk=None) -> str:
    """The normalised email if no other account uses it (in any case); else Django's `ValidationError`."""
    email = email_normalize(email)
    if email_in_use(email, exclude_pk=exclude_pk):
        raise ValidationError(EMAIL_TAKEN, code="email_taken")
    return email


def username_normalize(username: str | None) -> str | None:
    """A username as stored: trimmed, its case kept; empty is no username (None, so any number may lack one)."""
    return (username or "").strip() or None


def username_in_use(username: str | None, *, exclude_pk=None) -> bool:
    username = username_normalize(username)
    return bool(username) and User.objects.filter(username__iexact=username).exclude(pk=exclude_pk).exists()


def username_clean(username: str | None, *, exclude_pk=None) -> str | None:
    """The normalised username if no other account uses it in any case; else Django's `ValidationError`."""
    username = username_normalize(username)
    if username_in_use(username, exclude_pk=exclude_pk):
        raise ValidationError(USERNAME_TAKEN, code="username_taken")
    return username


def password_validate(password: str, *, user: User) -> None:
    """Django's AUTH_PASSWORD_VALIDATORS, with `user` (saved or not) for the similarity check; raises
    Django's `ValidationError` listing every failure."""
    password_validation.validate_password(password, user=user)


def is_staff_account(user: User) -> bool:
    return bool(user.is_staff or user.is_superuser)


def user_fields_reserved(*, actor: User | None, target: User | None) -> frozenset[str]:
    """The fields of `target` (None: a new user) that `actor` may not change: the privilege fields unless
    the actor is a superuser, plus another staff member's email, password and active flag. `actor=None`
    is the system itself (commands, imports run by a superuser)."""
    if actor is None or actor.is_superuser:
        return frozenset()
    if target is not None and target.pk != actor.pk and is_staff_account(target):
        return PRIVILEGE_FIELDS | STAFF_ACCOUNT_FIELDS
    return PRIVILEGE_FIELDS


def user_may_delete(*, actor: User | None, target: User) -> bool:
    """A staff member's account is deleted by a superuser only (anyone may delete their own)."""
    return actor is None or actor.is_superuser or actor.pk == target.pk or not is_staff_account(target)


def _changed(user: User, fields: dict, password: str | None) -> set[str]:
    changed = {name for name, value in fields.items() if getattr(user, name, None) != value}
    return changed | ({"password"} if password else set())


def _ensure_may_change(*, actor: User | None, target: User | None, changed: set[str]) -> None:
    refused = sorted(changed & user_fields_reserved(actor=actor, target=target))
    if refused:
        raise Forbidden(f"Only a superuser may change {', '.join(refused)} of this account.")


@transaction.atomic
def user_create(*, email: str, password: str | None, by: User | None = None, **fields) -> User:
    """Creates a user (customer unless `is_staff`, which only a superuser `by` grants); a taken email (any
    case) is a 400 naming only `email`."""
    unknown = set(fields) - USER_FIELDS
    if unknown:
        raise TypeError(f"unexpected user fields: {sorted(unknown)}")
    _ensure_may_change(actor=by, target=None, changed={name for name, value in fields.items() if value})
    email = email_normalize(email)
    if "username" in fields:
        fields["username"] = username_normalize(fields["username"])
    _ensure_unique(email=email, username=fields.get("username"))
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, **fields)
    except IntegrityError as exc:  # a concurrent registration of the same email or username won the race
        _ensure_unique(email=email, username=fields.get("username"))
        raise EmailTaken() from exc


def _ensure_unique(*, email: str | None, username: str | None, exclude_pk=None) -> None:
    if email is not None and email_in_use(email, exclude_pk=exclude_pk):
        raise EmailTaken()
    if username_in_use(username, exclude_pk=exclude_pk):
        raise UsernameTaken()


@transaction.atomic
def user_update(*, user: User, password: str | None = None, by: User | None = None, **fields) -> User:
    """Changes profile fields; a new password or deactivation also revokes every refresh token of the user.

    `by` (the acting user; None for the system) may not change what `user_fields_reserved` reserves: 403.
    """
    unknown = set(fields) - USER_FIELDS
    if unknown:
        raise TypeError(f"unexpected user fields: {sorted(unknown)}")
    if "email" in fields:
        fields["email"] = email_normalize(fields["email"])
    if "username" in fields:
        fields["username"] = username_normalize(fields["username"])
    _ensure_may_change(actor=by, target=user, changed=_changed(user, fields, password))
    _ensure_unique(email=fields.get("email"), username=fields.get("username"), exclude_pk=user.pk)
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    user.save()
    if password or fields.get("is_active") is False:
        revoke_all_refresh(user=user)
    return user


@transaction.atomic
def user_delete(*, user: User, by: User | None = None) -> None:
    """Deletes the account with its addresses and carts; a user with orders cannot be deleted (409), nor
    a staff member's account by anyone but a superuser (403)."""
    if not user_may_delete(actor=by, target=user):
        raise Forbidden("Only a superuser may delete a staff member's account.")
    try:
        with transaction.atomic():
            user.delete()
    except ProtectedError as exc:
        raise Conflict("This user has orders and cannot be deleted; deactivate the account instead.") from exc


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """Sets the password and revokes every outstanding refresh token (other sessions must log in again)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoke_all_refresh(user=user)
    return user


def password_reset_request(*, email: str) -> None:
    """Queues the reset mail. The lookup happens in the task too, so the request does the same work, and
    with a broker takes the same time, whether or not the address belongs to someone."""
    from shop.accounts.tasks import send_password_reset_mail  # the tasks module imports this one

    enqueue(send_password_reset_mail, email=email.strip())


def password_reset_mail_send(*, email: str) -> bool:
    """Mails a reset token when an active user with a usable password has this email; returns whether it did."""
    user = User.objects.filter(email__iexact=email_normalize(email), is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    try:
        send_mail(
            subject="Reset your shop password",
            message=_reset_message(uid, token),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    except OSError:  # SMTP down: logged for operators, not retried (a second mail would carry a second token)
        logger.exception("password reset mail could not be sent")
        return False
    return True


def _reset_message(uid: str, token: str) -> str:
    link = settings.FRONTEND_PASSWORD_RESET_URL
    lines = ["Someone asked to reset the password of your shop account.", ""]
    if link:
        lines += ["Choose a new password here:", link.format(uid=uid, token=token), ""]
    lines += [f"uid: {uid}", f"token: {token}", "", "If it was not you, ignore this message."]
    return "\n".join(lines)


def password_reset_user(*, uid: str, token: str) -> User | None:
    """The active user a reset `uid`/`token` pair was made for, or None if either is wrong or expired."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def password_reset_confirm(*, user: User, new_password: str) -> User:
    """Same as a change: the reset token dies with the old password hash, refresh tokens are revoked."""
    return password_change(user=user, new_password=new_password)


def _lock_users(*user_ids) -> None:
    """Serialises default-address changes per user (held until the transaction ends)."""
    list(User.objects.select_for_update().filter(pk__in=set(user_ids)).order_by("pk").values_list("pk", flat=True))


def _unset_other_defaults(address: Address) -> None:
    Address.objects.filter(user_id=address.user_id, is_default=True).exclude(pk=address.pk).update(is_default=False)


@transaction.atomic
def address_create(*, user: User, **fields) -> Address:
    """Creates an address; `is_default=True` takes the default over from the user's previous one, and a
    user without a default (their first address) gets this one as the default whatever was asked."""
    _lock_users(user.pk)
    address = Address(user=user, **fields)
    if not Address.objects.filter(user=user, is_default=True).exists():
        address.is_default = True
    if address.is_default:
        _unset_other_defaults(address)
    address.save()
    return address


@transaction.atomic
def address_update(*, address: Address, **fields) -> Address:
    """Changes an address (staff may move it to another user); a new default unsets the previous one."""
    _lock_users(address.user_id, getattr(fields.get("user"), "pk", address.user_id))
    for name, value in fields.items():
        setattr(address, name, value)
    if address.is_default:
        _unset_other_defaults(address)
    address.save()
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    address.delete()
