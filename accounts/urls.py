from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.two_factor_verify, name="two_factor"),
    path("setup/", views.two_factor_setup, name="two_factor_setup"),
    path("enrol/<str:token>/", views.enrol, name="enrol"),
    path("help/", views.ask_manager, name="ask_manager"),
]
