import io
import os
import time

from django.core.management import call_command


def test_only_import_files_older_than_the_limit_are_deleted(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "django-import-export"
    folder.mkdir()
    old, fresh = folder / "old-upload", folder / "fresh-upload"
    old.write_text("sku,title\n")
    fresh.write_text("sku,title\n")
    two_days_ago = time.time() - 48 * 3600
    os.utime(old, (two_days_ago, two_days_ago))

    out = io.StringIO()
    call_command("cleanup_import_files", hours=24, stdout=out)

    assert not old.exists()
    assert fresh.exists()
    assert "Deleted 1 stale import file(s)." in out.getvalue()


def test_nothing_to_do_without_the_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("cleanup_import_files", stdout=out)
    assert "Deleted 0" in out.getvalue()
