"""Support pages under /cases/<case_pk>/ (included from hub/urls.py)."""

from django.urls import path

from assessments import support_views as views

app_name = "support"
urlpatterns = [
    path("<int:case_pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("<int:case_pk>/plan/new/", views.AgreePlanView.as_view(), name="plan_new"),
    path("<int:case_pk>/plan/review-date/", views.PlanDateView.as_view(), name="plan_date"),
    path("<int:case_pk>/plan/actions/new/", views.ActionCreateView.as_view(), name="action_new"),
    path(
        "<int:case_pk>/plan/actions/<int:action_pk>/",
        views.ActionEditView.as_view(),
        name="action_edit",
    ),
    path("<int:case_pk>/reviews/new/", views.ReviewCreateView.as_view(), name="review_new"),
    path("<int:case_pk>/close/", views.CloseView.as_view(), name="close"),
    path("<int:case_pk>/survey/", views.SurveyView.as_view(), name="survey"),
]
