"""Volunteer pages, mounted at the site root: the pool and the volunteer's own visits under
/volunteers/, a case's volunteer (allocate, end, log hours) under /cases/<case_pk>/volunteer/."""

from django.urls import path

from volunteers import hours_views, views

app_name = "volunteers"
CASE = "cases/<int:case_pk>/volunteer/"

urlpatterns = [
    # Hub managers: the pool against the service specification, and the profiles.
    path("volunteers/", views.PoolView.as_view(), name="pool"),
    path("volunteers/add/", views.VolunteerCreateView.as_view(), name="add"),
    path("volunteers/<int:pk>/edit/", views.VolunteerEditView.as_view(), name="edit"),
    # VCCs and managers: a volunteer for a case.
    path(CASE, views.AllocateVolunteerView.as_view(), name="allocate"),
    path(f"{CASE}<int:pk>/end/", views.EndAllocationView.as_view(), name="end_allocation"),
    path(f"{CASE}<int:pk>/hours/", views.StaffLogHoursView.as_view(), name="log_hours"),
    # Correcting or removing logged hours: a hub manager at any time (volunteers.hours).
    path(f"{CASE}<int:pk>/hours/<int:hours_pk>/", hours_views.StaffHoursChangeView.as_view(),
         name="correct_hours"),
    path(f"{CASE}<int:pk>/hours/<int:hours_pk>/remove/",
         hours_views.StaffHoursChangeView.as_view(remove=True), name="remove_hours"),
    # The volunteer's own visits.
    path("volunteers/my-visits/", views.MyVisitsView.as_view(), name="my_visits"),
    path("volunteers/my-visits/<int:pk>/", views.VisitView.as_view(), name="visit"),
    # ... and their own hours, within 7 days of logging them.
    path("volunteers/my-visits/<int:pk>/hours/<int:hours_pk>/",
         hours_views.VisitHoursChangeView.as_view(), name="correct_my_hours"),
    path("volunteers/my-visits/<int:pk>/hours/<int:hours_pk>/remove/",
         hours_views.VisitHoursChangeView.as_view(remove=True), name="remove_my_hours"),
]
