"""Signing in and out: the hub's sign-in form (accounts.forms.SignInForm) on Django's views.
Included at the site root so the URL names stay `login` and `logout`."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.forms import SignInForm

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
]
