from django.urls import path

from rights import views

app_name = "rights"

urlpatterns = [
    path("<int:case_pk>/rights/<int:right>/record/", views.RecordRightView.as_view(),
         name="record"),
    path("<int:case_pk>/rights/justice/add/", views.AddJusticeEventView.as_view(),
         name="add_justice_event"),
]
