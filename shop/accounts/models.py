from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from shop.core.models import TimeStamped


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        """The accounts rule (`services.email_normalize`), also for `createsuperuser` and `User.clean`."""
        from shop.accounts.services import email_normalize  # services import this module

        return email_normalize(email)

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


#: Letters, digits and . _ + - (no @: the FakeStore login tells a username from an email by it).
username_validator = RegexValidator(r"^[\w.+-]+\Z", "Use letters, digits and . _ + - only.", code="invalid_username")


class User(AbstractBaseUser, PermissionsMixin):
    """Logs in by email. Staff run the back office; everyone else is a customer. The optional `username`
    (unique whatever its case) is for the FakeStore-compatible login, which takes a username or an email."""

    email = models.EmailField("email address", unique=True)
    username = models.CharField(
        max_length=150,
        null=True,
        blank=True,
        validators=[username_validator],
        help_text="Optional; unique whatever its case. Letters, digits and . _ + - only.",
    )
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can log into the back office.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now, db_index=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
                violation_error_message="This username is taken.",
            ),
        ]
        indexes = [models.Index(fields=["is_staff"], name="user_is_staff_idx")]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)
        self.username = (self.username or "").strip() or None

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self):
        return self.first_name or self.email


class Address(TimeStamped):
    """A postal address of a user; at most one is the default (a partial unique constraint)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=50, blank=True, help_text="Home, Work, ...")
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. US.")
    phone = models.CharField(max_length=32, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ("id",)
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(is_default=True), name="address_one_default_per_user"),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="address_country_iso2"),
        ]

    def __str__(self):
        label = f"{self.label}: " if self.label else ""
        return f"{label}{self.line1}, {self.postcode} {self.city}, {self.country}"
