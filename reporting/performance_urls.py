from django.urls import path

from reporting.performance_views import PerformanceView

app_name = "performance"

urlpatterns = [
    path("", PerformanceView.as_view(), name="return"),
]
