from django.urls import path

from reporting.performance_views import ComplianceView, PerformanceView

app_name = "performance"

urlpatterns = [
    path("", PerformanceView.as_view(), name="return"),
    path("compliance/", ComplianceView.as_view(), name="compliance"),
]
