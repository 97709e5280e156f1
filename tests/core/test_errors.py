"""The one domain error and its two helpers: onto a form, and into the API's 400."""

from __future__ import annotations

import pytest
from django import forms
from rest_framework.exceptions import ValidationError

from core.api import exception_handler, nested_errors
from core.errors import NON_FIELD, DomainError
from core.forms import add_error_to_form


class HoldForm(forms.Form):
    reason = forms.CharField()
    detail = forms.CharField(required=False)


class ActionForm(forms.Form):
    description = forms.CharField(required=False)


def _valid(form_class=HoldForm, **data):
    form = form_class({"reason": "court", **data})
    assert form.is_valid()
    return form


# -- The error ---------------------------------------------------------------------------


def test_the_error_holds_its_message_fields_and_code():
    error = DomainError("The hold cannot be placed.", fields={"detail": "Say what"}, code="x")
    assert (str(error), error.message, error.code) == ("The hold cannot be placed.",) * 2 + ("x",)
    assert error.fields == {"detail": ["Say what"]}


def test_field_is_short_for_a_message_on_one_field():
    assert DomainError("Enter the hours", field="hours").fields == {"hours": ["Enter the hours"]}


def test_nested_fields_are_kept_by_their_path():
    error = DomainError("No.", fields={"crime": {"offence_date": ["In the future"]},
                                       "actions.0.kind": "Choose"})
    assert error.fields == {"crime.offence_date": ["In the future"], "actions.0.kind": ["Choose"]}


# -- Onto a form -------------------------------------------------------------------------


def test_a_field_message_lands_on_its_field():
    form = _valid()
    add_error_to_form(form, DomainError("Summary only", fields={"detail": "Say what it is for"}))
    assert form.errors == {"detail": ["Say what it is for"]}
    assert form.non_field_errors() == []


def test_an_error_without_fields_goes_to_the_summary():
    form = _valid()
    add_error_to_form(form, DomainError("This hold has already been lifted."))
    assert form.non_field_errors() == ["This hold has already been lifted."]
    assert "detail" not in form.errors


def test_non_field_messages_and_fields_the_form_lacks_go_to_the_summary():
    form = _valid()
    error = DomainError("Refused", fields={NON_FIELD: ["One", "Two"], "elsewhere": "Three"})
    add_error_to_form(form, error)
    assert form.non_field_errors() == ["One", "Two", "Three"]


def test_a_service_path_is_renamed_to_the_forms_field():
    form = _valid()
    error = DomainError("No.", fields={"crime.offence_date": "In the future"})
    add_error_to_form(form, error, names={"crime.offence_date": "detail"})
    assert form.errors == {"detail": ["In the future"]}


def test_a_path_into_a_subform_lands_on_that_forms_field():
    form, first, second = _valid(), ActionForm({}), ActionForm({})
    assert first.is_valid() and second.is_valid()
    error = DomainError("No.", fields={"actions.1.description": "Say what the action is",
                                       NON_FIELD: "Add at least one action"})
    add_error_to_form(form, error, subforms={"actions.0": first, "actions.1": second})
    assert (first.errors, second.errors) == ({}, {"description": ["Say what the action is"]})
    assert form.non_field_errors() == ["Add at least one action"]


def test_a_field_the_form_refused_keeps_its_own_message():
    form = HoldForm({"detail": "x"})
    assert not form.is_valid()
    add_error_to_form(form, DomainError("No.", fields={"reason": "Choose the reason",
                                                       "detail": "Too short"}))
    assert form.errors == {"reason": ["This field is required."], "detail": ["Too short"]}


def test_two_service_messages_on_one_field_are_both_shown():
    form = _valid()
    error = DomainError("No.", fields={"a": "First", "b": "Second"})
    add_error_to_form(form, error, names={"a": "detail", "b": "detail"})
    assert form.errors == {"detail": ["First", "Second"]}


# -- Into the API ------------------------------------------------------------------------


def test_the_api_nests_field_messages_as_the_request_is():
    error = DomainError("No.", fields={"crime.offence_date": "In the future",
                                       "victim.district": "Choose", "reference": "Give it",
                                       "actions.0.kind": "Choose the kind"})
    assert nested_errors(error) == {
        "crime": {"offence_date": ["In the future"]},
        "victim": {"district": ["Choose"]},
        "reference": ["Give it"],
        "actions": {"0": {"kind": ["Choose the kind"]}},
    }


def test_the_api_answers_a_message_without_fields_as_non_field_errors():
    assert nested_errors(DomainError("That access has ended already.")) == {
        "non_field_errors": ["That access has ended already."]
    }


@pytest.mark.django_db
def test_a_domain_error_raised_in_an_api_view_is_a_400_like_drfs_own():
    error = DomainError("No.", fields={"crime.offence_date": "In the future"})
    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {"crime": {"offence_date": ["In the future"]}}
    drf = exception_handler(ValidationError({"crime": {"offence_date": ["In the future"]}}), {})
    assert drf.status_code == 400 and drf.data == response.data
