from django.urls import path

from accounts import team_views

app_name = "team"
urlpatterns = [
    path("members/", team_views.TeamMembersView.as_view(), name="members"),
    path("members/new/", team_views.NewStaffView.as_view(), name="new_member"),
    path("members/<int:pk>/", team_views.MemberView.as_view(), name="member"),
    path("members/<int:pk>/reactivate/", team_views.ReactivateView.as_view(), name="reactivate"),
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
