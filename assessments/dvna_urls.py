"""DVNA pages under /cases/<pk>/dvna/ (included from hub/urls.py)."""

from django.urls import path

from assessments import dvna_views as views

app_name = "dvna"
urlpatterns = [
    path("<int:pk>/dvna/new/", views.DvnaCreateView.as_view(), name="new"),
    path("<int:pk>/dvna/<int:number>/", views.DvnaDetailView.as_view(), name="detail"),
    path("<int:pk>/dvna/<int:number>/edit/", views.DvnaEditView.as_view(), name="edit"),
]
