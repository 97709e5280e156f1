from django.urls import path

from rights.api.views import CaseRightsView, JusticeEventCreateView, RightEvidenceView

urlpatterns = [
    path("cases/<int:case_id>/rights/", CaseRightsView.as_view(), name="api-case-rights"),
    path("cases/<int:case_id>/rights/<int:right>/", RightEvidenceView.as_view(),
         name="api-right-evidence"),
    path("cases/<int:case_id>/justice-events/", JusticeEventCreateView.as_view(),
         name="api-justice-event-create"),
]
