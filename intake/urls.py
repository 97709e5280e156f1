from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("ivnas/", views.MySubmissionsView.as_view(), name="my_submissions"),
    path("ivnas/new/", views.IvnaCreateView.as_view(), name="ivna_new"),
    path("ivnas/<int:case_id>/submitted/", views.IvnaSubmittedView.as_view(), name="submitted"),
    # A victim transferred in by another force, Action Fraud or British Transport Police
    path("transfers/new/", views.TransferInView.as_view(), name="transfer_in"),
    # A VCC decides a change the police sent on an amended IVNA
    path(
        "cases/<int:case_pk>/police-changes/<int:change_pk>/",
        views.DecideChangeView.as_view(),
        name="decide_change",
    ),
]
