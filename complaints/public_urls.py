"""The public complaints page, mounted at /how-to-complain/ (no namespace)."""

from django.urls import path

from complaints import public_views

urlpatterns = [
    path("", public_views.HowToComplainView.as_view(), name="how_to_complain"),
]
