from django.urls import path

from reporting.api.views import ComplianceReturnView, FlowView, QuarterlyReturnView

urlpatterns = [
    path("performance/flow/", FlowView.as_view(), name="api-performance-flow"),
    path(
        "returns/quarterly/", QuarterlyReturnView.as_view(), name="api-returns-quarterly"
    ),
    path(
        "returns/compliance/", ComplianceReturnView.as_view(), name="api-returns-compliance"
    ),
]
