from django.urls import path

from intake.api.transfer_views import TransferCreateView
from intake.api.views import IvnaCreateView

urlpatterns = [
    path("ivnas/", IvnaCreateView.as_view(), name="api-ivna-create"),
    path("transfers/", TransferCreateView.as_view(), name="api-transfer-create"),
]
