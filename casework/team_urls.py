from django.urls import path

from casework import team_views

app_name = "team_casework"
urlpatterns = [
    path("members/<int:pk>/deactivate/", team_views.DeactivateView.as_view(), name="deactivate"),
]
