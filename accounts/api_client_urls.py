from django.urls import path

from accounts import api_client_views as views

app_name = "api_clients"
urlpatterns = [
    path("", views.ApiClientListView.as_view(), name="list"),
    path("new/", views.ApiClientCreateView.as_view(), name="create"),
    path("<int:pk>/revoke/", views.ApiClientRevokeView.as_view(), name="revoke"),
    path("<int:pk>/expiry/", views.ApiClientExpiryView.as_view(), name="expiry"),
]
