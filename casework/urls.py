from django.urls import path

from casework import views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/audit/", views.CaseAuditView.as_view(), name="audit"),
    path("<int:pk>/allocate/", views.AllocateView.as_view(), name="allocate"),
]
