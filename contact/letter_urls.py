from datetime import date

from django.urls import path, register_converter

from contact import letter_views


class IsoDateConverter:
    """A day as yyyy-mm-dd. A value that is not a real date is no match (a 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError (e.g. 2025-13-45): no match

    def to_url(self, value) -> str:
        if isinstance(value, date):
            return value.isoformat()
        return date.fromisoformat(str(value)).isoformat()  # ValueError: no match


register_converter(IsoDateConverter, "isodate")

app_name = "letters"
urlpatterns = [
    path("<int:pk>/pdf/", letter_views.LetterDownloadView.as_view(), name="download"),
    path("post-room/", letter_views.PostRoomView.as_view(), name="post_room"),
    path("post-room/print/", letter_views.PrintRunView.as_view(), name="print_run"),
    path(
        "post-room/<isodate:day>/pdf/",
        letter_views.DayBatchView.as_view(),
        name="day_batch",
    ),
]
