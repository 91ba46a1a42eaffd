import os
import subprocess
import sys

from django.conf import settings


def _import_settings(**env_overrides):
    env = {**os.environ, **env_overrides}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "shop.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _import_settings(DEBUG="off", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_settings_start_without_secret_key_in_debug():
    result = _import_settings(DEBUG="on", SECRET_KEY="")
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DEBUG": "off",
        "HTTPS": "on",
        "STATIC_MANIFEST": "on",
        "SECRET_KEY": "x7!Kq2#pZ9@vL4$mN8^bR1&cT6*wY3(eU5)hJ0_gF-sD+aQ=oI~lP",
        "ALLOWED_HOSTS": "shop.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
