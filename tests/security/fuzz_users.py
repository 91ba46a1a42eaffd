"""The identities in tests/security/fuzz_users.json, created in the current database (test data only).

`python -m tests.security.fuzz_users` creates them in the database the settings point at, so that
`schemathesis run` (configured by schemathesis.toml) can sign in against a local server.
"""

import json
from pathlib import Path

USERS_FILE = Path(__file__).with_name("fuzz_users.json")
STAFF_NAMES = {"staff"}


def credentials() -> dict[str, tuple[str, str]]:
    """name -> (email, password), as the WFC document lists them."""
    document = json.loads(USERS_FILE.read_text())
    return {
        entry["name"]: (
            entry["loginEndpointAuth"]["payloadUserPwd"]["username"],
            entry["loginEndpointAuth"]["payloadUserPwd"]["password"],
        )
        for entry in document["auth"]
    }


def create_fuzz_users() -> dict:
    """name -> user; existing users get their password and staff flag reset. Staff powers are model
    permissions: the staff identity holds every one of them (and is no superuser)."""
    from django.contrib.auth.models import Permission

    from shop.accounts.models import User
    from shop.backoffice.importexport import ensure_import_export_permissions

    ensure_import_export_permissions()
    users = {}
    for name, (email, password) in credentials().items():
        user, _ = User.objects.get_or_create(email=email)
        user.is_staff = name in STAFF_NAMES
        user.set_password(password)
        user.save()
        user.user_permissions.set(Permission.objects.all() if user.is_staff else [])
        users[name] = user
    return users


if __name__ == "__main__":
    import django

    django.setup()
    print(", ".join(f"{name}: {user.email}" for name, user in create_fuzz_users().items()))
