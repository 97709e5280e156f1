"""DVNA pages under /cases/<case_pk>/dvna/ (included from hub/urls.py)."""

from django.urls import path

from assessments import dvna_views as views

app_name = "dvna"
urlpatterns = [
    path("<int:case_pk>/dvna/new/", views.DvnaCreateView.as_view(), name="new"),
    path("<int:case_pk>/dvna/<int:number>/", views.DvnaDetailView.as_view(), name="detail"),
    path("<int:case_pk>/dvna/<int:number>/edit/", views.DvnaEditView.as_view(), name="edit"),
]
