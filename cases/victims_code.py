"""The twelve rights of the Code of Practice for Victims of Crime in England and Wales (the
Victims' Code, Ministry of Justice, 2020; in force 1 April 2021), named once.

Whatever records or counts a right (a complaint about one, and the per-victim entitlements
and the compliance return of issue 15) uses these choices, so the numbering and the words
are the Code's own and appear in one place.
"""

from __future__ import annotations

from django.db import models


class VictimsCodeRight(models.IntegerChoices):
    UNDERSTAND = 1, "Right 1: to be able to understand and to be understood"
    CRIME_RECORDED = 2, "Right 2: to have the details of the crime recorded without delay"
    INFORMATION_ON_REPORTING = 3, (
        "Right 3: to be provided with information when reporting the crime"
    )
    REFERRAL_TO_SUPPORT = 4, (
        "Right 4: to be referred to services that support victims, with support tailored to "
        "your needs"
    )
    COMPENSATION = 5, "Right 5: to be provided with information about compensation"
    INVESTIGATION = 6, (
        "Right 6: to be provided with information about the investigation and prosecution"
    )
    PERSONAL_STATEMENT = 7, "Right 7: to make a Victim Personal Statement"
    TRIAL = 8, (
        "Right 8: to be given information about the trial, the trial process and your role "
        "as a witness"
    )
    OUTCOME = 9, "Right 9: to be given information about the outcome of the case and any appeals"
    EXPENSES = 10, "Right 10: to be paid expenses and have property returned"
    OFFENDER = 11, "Right 11: to be given information about the offender following a conviction"
    COMPLAINT = 12, "Right 12: to make a complaint about your rights not being met"
