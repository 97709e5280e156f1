from django.urls import path

from assessments.api.views import IvnaCreateView

urlpatterns = [
    path("ivnas/", IvnaCreateView.as_view(), name="api-ivna-create"),
]
