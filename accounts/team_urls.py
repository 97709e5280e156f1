from django.urls import path

from accounts import team_views

app_name = "team"
urlpatterns = [
    path("members/", team_views.TeamMembersView.as_view(), name="members"),
    path(
        "members/<int:pk>/enrolment-link/",
        team_views.IssueEnrolmentLinkView.as_view(),
        name="enrolment_link",
    ),
    path(
        "members/<int:pk>/reset-authenticator/",
        team_views.ResetAuthenticatorView.as_view(),
        name="reset_authenticator",
    ),
]
