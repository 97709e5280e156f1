from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.fields import empty

from core import phones
from core.errors import DomainError

# The messages for a JSON value of the wrong type (issue 14: "no numbers for text, no 'yes'
# for booleans"). DRF alone turns 42 into "42" and "yes", "true", 1 or 0 into a boolean.
MUST_BE_TEXT = "Must be text."
MUST_BE_BOOLEAN = "Must be true or false."
MUST_BE_WHOLE_NUMBER = "Must be a whole number."
MUST_BE_NUMBER = "Must be a number."

# Fields whose JSON value is a string: text, a choice, a date or time in ISO 8601.
_TEXT_FIELDS = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.DurationField,
    serializers.UUIDField,
)


def wrong_json_type(field: serializers.Field, value: object) -> object:
    """What is wrong with the JSON type of `value` for `field`: a message, for a list a
    message per item at fault ({index: [message]}), or None when its type is right.

    The one rule of strict types for every request body of the API. `null` is left to the
    field (its allow_null). Query parameters are text by nature and are not checked.
    """
    if value is None:
        return None
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else MUST_BE_BOOLEAN
    if isinstance(field, serializers.IntegerField):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return None if whole else MUST_BE_WHOLE_NUMBER
    if isinstance(field, (serializers.FloatField, serializers.DecimalField)):
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if number else MUST_BE_NUMBER
    if isinstance(field, serializers.MultipleChoiceField):
        return None  # a list, checked by the field
    if isinstance(field, _TEXT_FIELDS):
        return None if isinstance(value, str) else MUST_BE_TEXT
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        items = {
            index: [message]
            for index, item in enumerate(value)
            if isinstance(message := wrong_json_type(field.child, item), str)
        }
        return items or None
    return None


class StrictSerializer(serializers.Serializer):
    """A request body: refuses fields it does not know, so a misspelt field is an error, not
    silently lost, and values of the wrong JSON type (`wrong_json_type`)."""

    def run_validation(self, data=empty):
        # A request body that is not one JSON object (a list, a string, null) is named
        # "body", as malformed JSON, a body too large and a body not in JSON are.
        if self.parent is None and not isinstance(data, Mapping):
            raise serializers.ValidationError({"body": ["Send one JSON object."]})
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            return super().to_internal_value(data)  # DRF's "Expected a dictionary"
        unknown = set(data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: ["This field is not part of the API."] for name in sorted(unknown)}
            )
        wrong = {
            name: message if isinstance(message, dict) else [message]
            for name, field in self.fields.items()
            if name in data and (message := wrong_json_type(field, data[name])) is not None
        }
        # The rest is validated as usual, so that every field at fault is named at once.
        rest = {name: value for name, value in data.items() if name not in wrong}
        try:
            value = super().to_internal_value(rest)
        except serializers.ValidationError as error:
            if not wrong:
                raise
            detail = error.detail if isinstance(error.detail, dict) else {}
            raise serializers.ValidationError({**detail, **wrong}) from None
        if wrong:
            raise serializers.ValidationError(wrong)
        return value


class StrictQuerySerializer(StrictSerializer):
    """Query parameters, refusing those it does not know with a 400 (issue 14: a misspelt
    `?distrct=` must not quietly give the whole area). `format` is DRF's own (`?format=csv`).
    Their values are text by nature: `?year=2025` is read as a number."""

    def to_internal_value(self, data):
        unknown = set(data) - set(self.fields) - {"format"}
        if unknown:
            raise serializers.ValidationError(
                {name: ["This query parameter is not part of the API."]
                 for name in sorted(unknown)}
            )
        # DRF reads `?format=` (empty) as no format at all; the schema lists the formats, and
        # an empty one is none of them (found by the fuzzer's negative-data check).
        if "format" in data and not data["format"]:
            raise serializers.ValidationError(
                {"format": ["Name a format (such as json), or leave format out."]}
            )
        return serializers.Serializer.to_internal_value(self, data)


class PhoneNumberField(serializers.CharField):
    """A phone number in any usual format, checked and stored in E.164 (core/phones.py); one
    that is not a phone number is refused with the hub's message for that field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return phones.checked(super().to_internal_value(data))
        except DomainError as error:
            raise serializers.ValidationError(error.message, code=error.code) from None
