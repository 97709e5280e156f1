from django.urls import path

from casework import work_views as views

app_name = "scheduling"
urlpatterns = [
    path("", views.MyWorkView.as_view(), name="my_work"),
    path("letters/approve/", views.ApproveLettersView.as_view(), name="approve_letters"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("team/reallocate/", views.ReallocateView.as_view(), name="reallocate"),
]
