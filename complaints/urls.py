from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="list"),
    path("new/", views.RecordComplaintView.as_view(), name="record"),
    path("<int:pk>/", views.ComplaintDetailView.as_view(), name="detail"),
    path("<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
]
