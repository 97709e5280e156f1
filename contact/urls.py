from django.urls import path

from contact import views

app_name = "contact"
urlpatterns = [
    path("<int:pk>/calls/new/", views.RecordAttemptView.as_view(), name="record_attempt"),
    path("<int:pk>/outcome/", views.RecordOutcomeView.as_view(), name="record_outcome"),
    path("<int:pk>/notes/new/", views.AddNoteView.as_view(), name="add_note"),
    path("<int:pk>/got-in-touch/", views.VictimGotInTouchView.as_view(), name="got_in_touch"),
    path(
        "<int:pk>/letters/<int:letter_pk>/retry/",
        views.RetryLetterView.as_view(),
        name="retry_letter",
    ),
]
