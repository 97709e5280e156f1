from datetime import date

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError

from core import phones
from core.errors import DomainError


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


class PhoneField(forms.CharField):
    """A phone number as typed, checked and cleaned to E.164 (core/phones.py): "07700 900123"
    is saved as "+447700900123", "07700 9001" is refused with the hub's message."""

    def __init__(self, *, max_length: int = 30, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault("max_length", phones.INVALID_MESSAGE)
        super().__init__(max_length=max_length, **kwargs)

    def clean(self, value):
        try:
            return phones.checked(super().clean(value))
        except DomainError as error:
            raise ValidationError(error.message, code=error.code) from None

    def prepare_value(self, value):
        # A stored number is shown back as people write it, not as "+447700900123".
        return phones.national(value) if isinstance(value, str) and value else value
