"""Review services: writing, moderating and deleting reviews, the product's rating summary they keep, and the
purchases that make a review verified. The API, the admin, the import and the user-deletion signal call these.

The summary keeps the exact sum and count of what it counts (`rating_sum`, `rating_count`) and stores the mean
rounded to two places only for display and ordering (`rating_rate`), so it never drifts. It counts the approved
reviews on top of a base: the seeded catalogue carries summaries (3.90 over 120 ratings) with no rows behind
them. So it is never recomputed from the rows; each change moves it by what the review contributed before and
after (an approved review contributes its rating and one to the count, any other nothing). Every change locks
the product row first (`select_for_update`), so concurrent reviews, edits and moderation of one product queue,
and a review is re-read under that lock before it is changed.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import QuerySet

from shop.catalog.models import MODERATE_REVIEW_PERMISSION, REVIEW_BODY_MAX, REVIEW_TITLE_MAX, Product, Purchase, Review
from shop.catalog.selectors import purchase_made, review_product, review_product_id
from shop.catalog.services import UNSET
from shop.core.exceptions import Forbidden, InvalidInput, NotFound

RATE_STEP = Decimal("0.01")
NOTHING = (0, 0)  # what a review that is not approved contributes to (sum, count)
MODERATION_STATUSES = (Review.Status.APPROVED, Review.Status.REJECTED)


def may_moderate(user) -> bool:
    """Approving and rejecting reviews needs `catalog.moderate_review` or `catalog.change_review`."""
    return bool(
        user is not None
        and user.is_authenticated
        and (user.has_perm(MODERATE_REVIEW_PERMISSION) or user.has_perm("catalog.change_review"))
    )


# --- The summary ----------------------------------------------------------------------------------


def _lock_summary(product_id: int) -> Product:
    summary = ("id", "rating_rate", "rating_sum", "rating_count")
    return Product.objects.select_for_update().only(*summary).get(pk=product_id)


def _contribution(review: Review | None) -> tuple[int, int]:
    if review is None or review.status != Review.Status.APPROVED:
        return NOTHING
    return review.rating, 1


def _move_summary(locked: Product, before: tuple[int, int], after: tuple[int, int]) -> Product:
    """Replace `before`'s contribution by `after`'s and store the summary (nothing to write when they are equal).
    The clamps only matter for a summary written by hand that its rows contradict: the constraints hold."""
    if before != after:
        count = max(locked.rating_count + after[1] - before[1], 0)
        total = min(max(locked.rating_sum + after[0] - before[0], Decimal("0")), Decimal(5 * count))
        rate = (total / count).quantize(RATE_STEP, rounding=ROUND_HALF_UP) if count else Decimal("0.00")
        Product.objects.filter(pk=locked.pk).update(rating_rate=rate, rating_count=count, rating_sum=total)
        locked.rating_rate, locked.rating_count, locked.rating_sum = rate, count, total
    return locked


def _show_summary(product: Product, locked: Product) -> None:
    """Let the caller's instance of the reviewed product show the summary just stored."""
    product.rating_rate, product.rating_count, product.rating_sum = (
        locked.rating_rate,
        locked.rating_count,
        locked.rating_sum,
    )


# --- Writing --------------------------------------------------------------------------------------


def _check(rating, title: str, body: str) -> None:
    errors = {}
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = ["Give a rating from 1 to 5."]
    if len(title) > REVIEW_TITLE_MAX:
        errors["title"] = [f"Ensure this field has no more than {REVIEW_TITLE_MAX} characters."]
    if len(body) > REVIEW_BODY_MAX:
        errors["body"] = [f"Ensure this field has no more than {REVIEW_BODY_MAX} characters."]
    if errors:
        raise InvalidInput(errors)


def _status_for(previous: Review | None, title: str, body: str) -> str:
    """A bare rating counts at once. Words wait for moderation, unless they are the words already moderated:
    changing only the stars of an approved (or rejected) review keeps that decision."""
    if not (title or body):
        return Review.Status.APPROVED
    if previous is not None and (previous.title, previous.body) == (title, body):
        return previous.status
    return Review.Status.PENDING


@transaction.atomic
def review_submit(*, product: Product, user, rating: int, title=UNSET, body=UNSET) -> tuple[Review, bool]:
    """Write `user`'s review of the product (of its parent, for a variant), replacing their earlier one.

    `title` and `body` left unset keep the earlier review's words (a rating alone, as `/rating/` sends it);
    given, they replace them ("" for none). Returns the review (`review.product` is the reviewed product, with
    its new summary) and whether it is new. The status follows `_status_for`, `verified_purchase` the recorded
    purchases, and the summary moves by the difference.
    """
    target = review_product(product)
    locked = _lock_summary(target.pk)
    review = Review.objects.filter(product=target, user=user).first()
    before = _contribution(review)
    title = (review.title if review else "") if title is UNSET else title.strip()
    body = (review.body if review else "") if body is UNSET else body.strip()
    _check(rating, title, body)
    status = _status_for(review, title, body)
    created = review is None
    if created:
        review = Review(product=target, user=user)
    review.rating, review.title, review.body, review.status = rating, title, body, status
    review.verified_purchase = purchase_made(user=user, product=target)
    review.save()
    _move_summary(locked, before, _contribution(review))
    _show_summary(target, locked)
    review.product = target  # with its new summary (for a variant: the parent's)
    return review, created


@transaction.atomic
def review_moderate(*, review: Review, status: str, by) -> Review:
    """Approve or reject a review (`by` needs `may_moderate`); the summary gains or loses it accordingly.
    Moderating to the status it already has changes nothing."""
    if not may_moderate(by):
        raise Forbidden("Moderating reviews needs the permission catalog.moderate_review (or change_review).")
    if status not in MODERATION_STATUSES:
        raise InvalidInput({"status": ['Choose "approved" or "rejected".']})
    locked = _lock_summary(review.product_id)
    current = _reread(review)
    before = _contribution(current)
    if current.status != status:
        current.status = status
        current.save(update_fields=["status", "updated_at"])
    _move_summary(locked, before, _contribution(current))
    return current


@transaction.atomic
def review_moderate_many(*, reviews: QuerySet[Review], status: str, by) -> int:
    """Moderate every review of the queryset (all or none), product rows locked in primary-key order.
    Returns how many changed status."""
    changed = 0
    for review in reviews.exclude(status=status).order_by("product_id", "pk"):
        review_moderate(review=review, status=status, by=by)
        changed += 1
    return changed


@transaction.atomic
def review_delete(*, review: Review) -> None:
    """Delete a review (its author's, a moderator's or a deleted user's); the summary loses what it counted."""
    locked = _lock_summary(review.product_id)
    current = _reread(review)
    current.delete()
    _move_summary(locked, _contribution(current), NOTHING)


def _reread(review: Review) -> Review:
    """The review as it is now, under its product's lock (an edit or a delete may have come first)."""
    current = Review.objects.select_related("user", "product").filter(pk=review.pk).first()
    if current is None:
        raise NotFound("This review no longer exists.")
    return current


# --- Purchases ------------------------------------------------------------------------------------


@transaction.atomic
def purchases_record(*, user, product_ids: Iterable[int]) -> int:
    """Record that `user` has received these products (the orders app calls this when an order is delivered),
    and mark their reviews of them as verified purchases. A variant counts for its parent. Idempotent;
    returns how many reviews became verified."""
    products = Product.objects.filter(pk__in=set(product_ids))
    targets = sorted({review_product_id(product) for product in products})
    Purchase.objects.bulk_create([Purchase(user=user, product_id=pk) for pk in targets], ignore_conflicts=True)
    reviews = Review.objects.filter(user=user, product_id__in=targets, verified_purchase=False)
    return reviews.update(verified_purchase=True)
