from django.urls import path

from referrals.api.views import TransferCreateView

urlpatterns = [
    path("transfers/", TransferCreateView.as_view(), name="api-transfer-create"),
]
