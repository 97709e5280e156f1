from django.urls import path

from volunteers import views

app_name = "volunteers"
urlpatterns = [
    # Hub managers: the pool against the service specification, and the profiles.
    path("", views.PoolView.as_view(), name="pool"),
    path("add/", views.VolunteerCreateView.as_view(), name="add"),
    path("<int:pk>/edit/", views.VolunteerEditView.as_view(), name="edit"),
    # VCCs and managers: a volunteer for a case.
    path("cases/<int:pk>/allocate/", views.AllocateVolunteerView.as_view(), name="allocate"),
    path("allocations/<int:pk>/end/", views.EndAllocationView.as_view(), name="end_allocation"),
    path("allocations/<int:pk>/hours/", views.StaffLogHoursView.as_view(), name="log_hours"),
    # The volunteer's own visits.
    path("my-visits/", views.MyVisitsView.as_view(), name="my_visits"),
    path("my-visits/<int:pk>/", views.VisitView.as_view(), name="visit"),
]
