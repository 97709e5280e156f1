from django.urls import path

from casework import views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("<int:case_pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:case_pk>/audit/", views.CaseAuditView.as_view(), name="audit"),
    path("<int:case_pk>/allocate/", views.AllocateView.as_view(), name="allocate"),
]
