"""Business rules of accounts: users, passwords and addresses. Views and serializers call these."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from shop.accounts.models import Address, User
from shop.accounts.tokens import revoke_all_refresh
from shop.core.background import enqueue
from shop.core.exceptions import Conflict, DomainError

logger = logging.getLogger(__name__)

EMAIL_TAKEN = "This email address cannot be used."
USER_FIELDS = frozenset({"email", "first_name", "last_name", "phone", "is_staff", "is_active"})


class EmailTaken(DomainError):
    """400 naming only the field, so a client learns nothing more about the existing account."""

    title = "Validation failed"

    def __init__(self):
        super().__init__("One or more fields are invalid.", extra={"errors": {"email": [EMAIL_TAKEN]}})


def email_in_use(email: str, *, exclude_pk=None) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()


@transaction.atomic
def user_create(*, email: str, password: str | None, **fields) -> User:
    """Creates a user (customer unless `is_staff`); a taken email (any case) is a 400 naming only `email`."""
    unknown = set(fields) - USER_FIELDS
    if unknown:
        raise TypeError(f"unexpected user fields: {sorted(unknown)}")
    if email_in_use(email):
        raise EmailTaken()
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, **fields)
    except IntegrityError as exc:  # a concurrent registration of the same email won the race
        raise EmailTaken() from exc


@transaction.atomic
def user_update(*, user: User, password: str | None = None, **fields) -> User:
    """Changes profile fields; a new password or deactivation also revokes every refresh token of the user."""
    unknown = set(fields) - USER_FIELDS
    if unknown:
        raise TypeError(f"unexpected user fields: {sorted(unknown)}")
    if "email" in fields:
        fields["email"] = User.objects.normalize_email(fields["email"]).lower()
        if email_in_use(fields["email"], exclude_pk=user.pk):
            raise EmailTaken()
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    user.save()
    if password or fields.get("is_active") is False:
        revoke_all_refresh(user=user)
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Deletes the account with its addresses and carts; a user with orders cannot be deleted (409)."""
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
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
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
    """Creates an address; `is_default=True` takes the default over from the user's previous one."""
    _lock_users(user.pk)
    address = Address(user=user, **fields)
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
