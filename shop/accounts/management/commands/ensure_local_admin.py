"""Print a working login of the local admin, `admin@shop.local` (DEBUG only), creating it when no superuser exists.

The password is remembered in `.admin-login` (git-ignored) per database, so switching `DATABASE_URL` back
and forth prints each database's own login. A remembered password that does not open this database's
local admin (the database was recreated, restored, or the file came from elsewhere) is replaced: the
account gets a new random password, and only this account, only with DEBUG on.
"""

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from shop.accounts.models import User

LOGIN_FILE = settings.BASE_DIR / ".admin-login"
EMAIL = "admin@shop.local"


def database_key() -> str:
    """Names the database the login belongs to: engine, server and database name (never a password)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:{Path(db['NAME']).resolve()}"
    return f"{connection.vendor}://{db.get('HOST') or 'localhost'}:{db.get('PORT') or ''}/{db['NAME']}"


def read_logins(path: Path) -> dict[str, str]:
    """`{database key: password}`; a file in the old one-line `email password` format gives `{"": password}`."""
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        logins = json.loads(text)
    except ValueError:
        parts = text.split()
        return {"": parts[1]} if len(parts) == 2 else {}
    return logins if isinstance(logins, dict) else {}


def works(user: User | None, password: str | None) -> bool:
    return bool(user and password and user.is_active and user.is_superuser and user.check_password(password))


class Command(BaseCommand):
    help = "Print the local admin login (DEBUG only): create it when no superuser exists, repair it when it fails."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no local admin is created.")
            return
        logins, key = read_logins(LOGIN_FILE), database_key()
        admin = User.objects.filter(email__iexact=EMAIL).first()
        remembered = next((p for p in (logins.get(key), logins.get("")) if works(admin, p)), None)
        if remembered is None and admin is None and User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser already exists; use its login (or `manage.py createsuperuser`).")
            return
        if remembered is None:
            remembered = self._reset(admin)
        logins.pop("", None)
        LOGIN_FILE.write_text(json.dumps({**logins, key: remembered}, indent=2) + "\n", encoding="utf-8")
        LOGIN_FILE.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Admin login: {EMAIL} / {remembered}  (http://127.0.0.1:8000/admin/)"))

    def _reset(self, admin: User | None) -> str:
        password = secrets.token_urlsafe(12)
        if admin is None:
            User.objects.create_superuser(EMAIL, password, first_name="Local", last_name="Admin")
            return password
        admin.set_password(password)
        admin.is_active = admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
        self.stdout.write(f"The remembered password of {EMAIL} did not work on this database: it has a new one.")
        return password
