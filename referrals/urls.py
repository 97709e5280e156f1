from django.urls import path

from referrals import views

app_name = "referrals"
CASE = "cases/<int:case_pk>/"
REFERRAL = f"{CASE}referrals/<int:pk>/"

urlpatterns = [
    # The service directory
    path("services/", views.DirectoryView.as_view(), name="directory"),
    path("services/new/", views.ServiceCreateView.as_view(), name="service_add"),
    path("services/<int:pk>/edit/", views.ServiceUpdateView.as_view(), name="service_edit"),
    path(
        "services/<int:pk>/deactivate/",
        views.ServiceDeactivateView.as_view(),
        name="service_deactivate",
    ),
    path(
        "services/<int:pk>/reactivate/",
        views.ServiceReactivateView.as_view(),
        name="service_reactivate",
    ),
    # Referrals from a recovery-plan action (the plan links here)
    path(
        f"{CASE}actions/<int:action_pk>/refer/",
        views.ReferralCreateView.as_view(),
        name="create",
    ),
    path(f"{REFERRAL}accepted/", views.ReferralAcceptedView.as_view(), name="accepted"),
    path(f"{REFERRAL}declined/", views.ReferralDeclinedView.as_view(), name="declined"),
    path(f"{REFERRAL}completed/", views.ReferralCompletedView.as_view(), name="completed"),
    path(f"{REFERRAL}chased/", views.ReferralChasedView.as_view(), name="chased"),
    path(f"{REFERRAL}resend/", views.ReferralResendView.as_view(), name="resend"),
    path(f"{REFERRAL}document/", views.ReferralDocumentView.as_view(), name="document"),
    # Transfers between police areas
    path(f"{CASE}transfer/", views.TransferOutView.as_view(), name="transfer_out"),
    path("transfers/new/", views.TransferInView.as_view(), name="transfer_in"),
]
