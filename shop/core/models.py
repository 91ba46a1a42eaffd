from django.db import models


class TimeStamped(models.Model):
    """Abstract base: creation and last-change times, set by the database layer."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
