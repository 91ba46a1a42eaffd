"""This app's part of /api/v1/: `routes` go on the shared router in shop/api_urls.py, `urlpatterns` beside it."""

routes = []  # (prefix, viewset, basename)
urlpatterns = []
