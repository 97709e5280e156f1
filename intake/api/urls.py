from django.urls import path

from intake.api.transfer_views import TransferCreateView
from intake.api.views import IvnaBatchView, IvnaCreateView

urlpatterns = [
    path("ivnas/", IvnaCreateView.as_view(), name="api-ivna-create"),
    path("ivnas/batch/", IvnaBatchView.as_view(), name="api-ivna-batch"),
    path("transfers/", TransferCreateView.as_view(), name="api-transfer-create"),
]
