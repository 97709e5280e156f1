from django.urls import path

from directory import views

app_name = "directory"
urlpatterns = [
    path("", views.DirectoryView.as_view(), name="directory"),
    path("new/", views.ServiceCreateView.as_view(), name="service_add"),
    path("<int:pk>/edit/", views.ServiceUpdateView.as_view(), name="service_edit"),
    path("<int:pk>/deactivate/", views.ServiceDeactivateView.as_view(), name="service_deactivate"),
    path("<int:pk>/reactivate/", views.ServiceReactivateView.as_view(), name="service_reactivate"),
]
