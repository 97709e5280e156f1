from django.urls import path

from referrals import views

app_name = "referrals"
CASE = "cases/<int:case_pk>/"
REFERRAL = f"{CASE}referrals/<int:pk>/"

urlpatterns = [
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
    # Transfers to another police area (transfers in: intake)
    path(f"{CASE}transfer/", views.TransferOutView.as_view(), name="transfer_out"),
]
