from django.urls import path

from accounts import password_views as views

app_name = "password"
urlpatterns = [
    path("", views.PasswordChangeView.as_view(), name="change"),
    path("changed/", views.PasswordChangeDoneView.as_view(), name="done"),
]
