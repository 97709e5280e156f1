from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.fields import empty


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a misspelt field is an error, not silently lost."""

    def run_validation(self, data=empty):
        # A request body that is not one JSON object (a list, a string, null) is named
        # "body", as malformed JSON, a body too large and a body not in JSON are.
        if self.parent is None and not isinstance(data, Mapping):
            raise serializers.ValidationError({"body": ["Send one JSON object."]})
        return super().run_validation(data)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field is not part of the API."] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)


class StrictQuerySerializer(StrictSerializer):
    """Query parameters, refusing those it does not know with a 400 (issue 14: a misspelt
    `?distrct=` must not quietly give the whole area). `format` is DRF's own (`?format=csv`)."""

    def to_internal_value(self, data):
        unknown = set(data) - set(self.fields) - {"format"}
        if unknown:
            raise serializers.ValidationError(
                {name: ["This query parameter is not part of the API."]
                 for name in sorted(unknown)}
            )
        return serializers.Serializer.to_internal_value(self, data)
