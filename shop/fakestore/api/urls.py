"""/fakestore/ routes. FakeStore's paths have no trailing slash; one is tolerated (the same answer, never a
redirect). Fixed paths come before the `{id}` ones they would otherwise match."""

from django.urls import re_path

from shop.fakestore.api import views

ID = r"(?P<pk>[^/]+)"

urlpatterns = [
    re_path(r"^products/?$", views.ProductsView.as_view(), name="fakestore-products"),
    re_path(r"^products/categories/?$", views.CategoriesView.as_view(), name="fakestore-categories"),
    re_path(
        r"^products/category/(?P<name>[^/]+)/?$",
        views.CategoryProductsView.as_view(),
        name="fakestore-category-products",
    ),
    re_path(rf"^products/{ID}/?$", views.ProductView.as_view(), name="fakestore-product"),
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="fakestore-login"),
    re_path(r"^users/?$", views.UsersView.as_view(), name="fakestore-users"),
    re_path(rf"^users/{ID}/?$", views.UserView.as_view(), name="fakestore-user"),
    re_path(r"^carts/?$", views.CartsView.as_view(), name="fakestore-carts"),
    re_path(rf"^carts/user/{ID}/?$", views.UserCartsView.as_view(), name="fakestore-user-carts"),
    re_path(rf"^carts/{ID}/?$", views.CartView.as_view(), name="fakestore-cart"),
    re_path(r"", views.NotFoundView.as_view(), name="fakestore-not-found"),
]
