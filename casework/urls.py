from django.urls import path

from casework import find_views, merge_views, views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("mine/", find_views.MyCasesView.as_view(), name="mine"),
    path("search/", find_views.SearchView.as_view(), name="search"),
    path("<int:case_pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:case_pk>/timeline/", views.CaseTimelineView.as_view(), name="timeline"),
    path("<int:case_pk>/audit/", views.CaseAuditView.as_view(), name="audit"),
    path("<int:case_pk>/allocate/", views.AllocateView.as_view(), name="allocate"),
    path("<int:case_pk>/merge/<int:person_pk>/", merge_views.MergePeopleView.as_view(),
         name="merge_person"),
    path("<int:case_pk>/merges/<int:merge_pk>/undo/", merge_views.UndoMergeView.as_view(),
         name="undo_merge"),
]
