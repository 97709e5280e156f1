from django.urls import path

from contact import check_views, lifecycle_views, views

app_name = "contact"
urlpatterns = [
    path("<int:case_pk>/calls/new/", views.RecordAttemptView.as_view(), name="record_attempt"),
    path("<int:case_pk>/outcome/", views.RecordOutcomeView.as_view(), name="record_outcome"),
    path("<int:case_pk>/notes/new/", views.AddNoteView.as_view(), name="add_note"),
    path("<int:case_pk>/got-in-touch/", views.VictimGotInTouchView.as_view(), name="got_in_touch"),
    path("<int:case_pk>/escalate/", lifecycle_views.EscalateView.as_view(), name="escalate"),
    path("<int:case_pk>/step-down/", lifecycle_views.StepDownView.as_view(), name="step_down"),
    path(
        "<int:case_pk>/supported-elsewhere/",
        lifecycle_views.SupportedElsewhereView.as_view(),
        name="supported_elsewhere",
    ),
    path(
        "<int:case_pk>/close-unsupported/",
        lifecycle_views.CloseUnsupportedView.as_view(),
        name="close_case",
    ),
    path("<int:case_pk>/safe-contact/", views.SafeContactView.as_view(), name="safe_contact"),
    path(
        "<int:case_pk>/letters/<int:letter_pk>/retry/",
        views.RetryLetterView.as_view(),
        name="retry_letter",
    ),
    path(
        "<int:case_pk>/letters/<int:letter_pk>/check/",
        check_views.CheckLetterView.as_view(),
        name="check_letter",
    ),
    path(
        "<int:case_pk>/letters/<int:letter_pk>/check/approve/",
        check_views.ApproveLetterView.as_view(),
        name="approve_letter",
    ),
]
