"""Support pages under /cases/<pk>/ (included from hub/urls.py)."""

from django.urls import path

from assessments import support_views as views

app_name = "support"
urlpatterns = [
    path("<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("<int:pk>/plan/new/", views.AgreePlanView.as_view(), name="plan_new"),
    path("<int:pk>/plan/review-date/", views.PlanDateView.as_view(), name="plan_date"),
    path("<int:pk>/plan/actions/new/", views.ActionCreateView.as_view(), name="action_new"),
    path(
        "<int:pk>/plan/actions/<int:action_pk>/",
        views.ActionEditView.as_view(),
        name="action_edit",
    ),
    path("<int:pk>/reviews/new/", views.ReviewCreateView.as_view(), name="review_new"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("<int:pk>/survey/", views.SurveyView.as_view(), name="survey"),
]
