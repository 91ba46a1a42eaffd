"""Create a local superuser for development, once: only with DEBUG on and only when no superuser exists.

The login is written to `.admin-login` (git-ignored) and printed on every run, so `make run` can show it
again later.
"""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from shop.accounts.models import User

LOGIN_FILE = settings.BASE_DIR / ".admin-login"
EMAIL = "admin@shop.local"


class Command(BaseCommand):
    help = "Create a local admin login (DEBUG only, when no superuser exists) and print it."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no local admin is created.")
            return
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(EMAIL, password, first_name="Local", last_name="Admin")
            LOGIN_FILE.write_text(f"{EMAIL} {password}\n", encoding="utf-8")
        if LOGIN_FILE.exists():
            email, password = LOGIN_FILE.read_text(encoding="utf-8").split()
            self.stdout.write(self.style.SUCCESS(f"Admin login: {email} / {password}  (http://127.0.0.1:8000/admin/)"))
        else:
            self.stdout.write("A superuser already exists; use its login (or `manage.py createsuperuser`).")
