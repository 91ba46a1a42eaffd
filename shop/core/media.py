"""Serving uploaded media from MEDIA_ROOT by the app itself, so `make run` and a plain gunicorn answer the URLs
the storage hands out. Only the folders that shop/urls.py names as public are served (import files waiting for
their confirmation live in MEDIA_ROOT too and must not be), only files with the extensions given, and each
file with a long cache lifetime: stored names are never reused. With MEDIA_SERVE=off (a proxy serves the
folder) or MEDIA_STORAGE=s3 (the store serves its URLs) none of this is routed.
"""

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.http import Http404
from django.views import static
from django.views.decorators.http import require_safe

CACHE_FOREVER = "public, max-age=31536000, immutable"


@require_safe
def serve_public_file(request, path: str, *, folder: str, extensions: tuple[str, ...]):
    if PurePosixPath(path).suffix.lower() not in extensions:
        raise Http404
    response = static.serve(request, path, document_root=Path(settings.MEDIA_ROOT) / folder)
    response["Cache-Control"] = CACHE_FOREVER
    response["Content-Security-Policy"] = "default-src 'none'"  # an image opened on its own runs nothing
    return response
