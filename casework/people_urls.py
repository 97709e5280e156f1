"""A person's page, mounted at /people/ ("people:detail")."""

from django.urls import path

from casework import people_views

app_name = "people"
urlpatterns = [
    path("<int:pk>/", people_views.PersonDetailView.as_view(), name="detail"),
]
