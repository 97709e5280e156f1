"""Restricted cases and audit pages, mounted at the root beside the case and person pages."""

from django.urls import path

from audit import views

app_name = "audit"
CASE = "cases/<int:case_pk>/"

urlpatterns = [
    path(f"{CASE}break-glass/", views.BreakGlassView.as_view(), name="break_glass"),
    path(f"{CASE}access/", views.CaseAccessView.as_view(), name="case_access"),
    path(
        f"{CASE}access/restriction/", views.CaseRestrictionView.as_view(), name="case_restriction"
    ),
    path(f"{CASE}access/revoke/", views.RevokeGrantView.as_view(), name="revoke_grant"),
    path("people/<int:pk>/access/", views.PersonAccessView.as_view(), name="person_access"),
]
