"""The public self-referral pages, mounted at /get-support/ (no namespace: "self_referral")."""

from django.urls import path

from intake import public_views

urlpatterns = [
    path("", public_views.self_referral, name="self_referral"),
    path("done/", public_views.self_referral_done, name="self_referral_done"),
]
