"""The shop's URLs plus a few views that exist only to exercise error handling and logging in tests."""

from django.urls import path
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.urls import handler404, handler500
from shop.urls import urlpatterns as shop_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


class WhoAmI(APIView):
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response({"id": request.user.pk})


class Boom(APIView):
    permission_classes = (AllowAny,)

    def get(self, request):
        raise RuntimeError("boom in a DRF view")


class Echo(APIView):
    permission_classes = (AllowAny,)

    def post(self, request):
        return Response({"size": len(str(request.data))})


def django_boom(request):
    raise RuntimeError("boom in a plain Django view")


urlpatterns = [
    path("api/v1/_test/whoami/", WhoAmI.as_view()),
    path("api/v1/_test/boom/", Boom.as_view()),
    path("api/v1/_test/echo/", Echo.as_view()),
    path("api/v1/_test/django-boom/", django_boom),
    path("_test/django-boom/", django_boom),
    *shop_urlpatterns,
]
