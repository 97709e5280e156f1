"""The hub's front door: the public landing page and each role's home (accounts/home.py)."""

from django.urls import path

from accounts import home

urlpatterns = [
    path("", home.landing, name="landing"),
    path("home/", home.home, name="home"),
]
