"""Retention and the data subject, mounted at the site root: the person's pages sit under
/people/<pk>/, a case's hold under /cases/<case_pk>/, the schedule and holds under /privacy/."""

from django.urls import path

from privacy import views

app_name = "privacy"
PERSON = "people/<int:pk>/"

urlpatterns = [
    path("privacy/retention/", views.RetentionScheduleView.as_view(), name="schedule"),
    path("privacy/holds/", views.LegalHoldListView.as_view(), name="holds"),
    path("privacy/holds/lift/", views.LiftHoldView.as_view(), name="lift_hold"),
    path("cases/<int:case_pk>/legal-hold/", views.CaseHoldView.as_view(), name="case_hold"),
    path(f"{PERSON}legal-hold/", views.PersonHoldView.as_view(), name="person_hold"),
    path(f"{PERSON}subject-access/", views.SubjectAccessView.as_view(), name="subject_access"),
    path(
        f"{PERSON}subject-access/review/",
        views.SubjectAccessReviewView.as_view(),
        name="subject_access_review",
    ),
    path(
        f"{PERSON}subject-access/bundle.json",
        views.SubjectAccessJsonView.as_view(),
        name="subject_access_json",
    ),
    path(
        f"{PERSON}subject-access/bundle.pdf",
        views.SubjectAccessPdfView.as_view(),
        name="subject_access_pdf",
    ),
    path(f"{PERSON}rectify/", views.RectifyView.as_view(), name="rectify"),
    path(f"{PERSON}erasure/", views.ErasureView.as_view(), name="erasure"),
]
