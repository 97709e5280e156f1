from django.urls import path

from rights.api.views import CaseRightsView, JusticeEventCreateView, RightEvidenceView

# The ids are read by the views (rights.api.views.path_id): a path that is not a number is a
# JSON 404 like an unknown case, not the hub's HTML "Page not found".
urlpatterns = [
    path("cases/<str:case_id>/rights/", CaseRightsView.as_view(), name="api-case-rights"),
    path("cases/<str:case_id>/rights/<str:right>/", RightEvidenceView.as_view(),
         name="api-right-evidence"),
    path("cases/<str:case_id>/justice-events/", JusticeEventCreateView.as_view(),
         name="api-justice-event-create"),
]
