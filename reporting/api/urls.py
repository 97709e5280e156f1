from django.urls import path

from reporting.api.views import FlowView

urlpatterns = [
    path("performance/flow/", FlowView.as_view(), name="api-performance-flow"),
]
