from django.urls import path

from reporting.views import DashboardExportView, DashboardView

app_name = "reporting"

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("export.csv", DashboardExportView.as_view(), name="export"),
]
