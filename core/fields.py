from datetime import date

from crispy_forms_gds.fields import DateInputField
from django.core.exceptions import ValidationError


class DateField(DateInputField):
    """GOV.UK date input (day, month, year) with plain-English errors."""

    def __init__(self, *, required_message: str = "Enter the date", **kwargs):
        super().__init__(**kwargs)
        self.error_messages.update({"required": required_message, "incomplete": required_message})

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(str(year)) != 4:
            raise ValidationError("Enter the year as 4 digits, for example 2025")
        try:
            return date(day=int(day), month=int(month), year=int(year))
        except ValueError as error:
            raise ValidationError("Enter a real date") from error
