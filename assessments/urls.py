from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.MySubmissionsView.as_view(), name="my_submissions"),
    path("new/", views.IvnaCreateView.as_view(), name="ivna_new"),
    path("<int:case_id>/submitted/", views.IvnaSubmittedView.as_view(), name="submitted"),
]
