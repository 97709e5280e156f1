"""The service directory: the services the hub refers and signposts victims to.

Depends on no other domain app: referrals, plans and consents point at a service here.
"""

from __future__ import annotations

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models

from core.choices import District


class Specialism(models.TextChoices):
    SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    MENTAL_HEALTH = "mental_health", "Mental health"
    YOUNG_PEOPLE = "young_people", "Young people"
    MIGRANT_WORKERS = "migrant_workers", "Migrant workers"
    HOME_SECURITY = "home_security", "Home security"
    BEREAVEMENT = "bereavement", "Bereavement"
    HATE_CRIME = "hate_crime", "Hate crime"
    ROAD_VICTIMS = "road_victims", "Road victims"
    RESTORATIVE_JUSTICE = "restorative_justice", "Restorative Justice"
    OLDER_PEOPLE = "older_people", "Older people"


@pghistory.track()
class SupportService(models.Model):
    """A service in the hub's directory, to refer or signpost victims to.

    Service specification: "referral/supported signposting to an existing suitable
    specialist victim support service provider (to include those commissioned/not
    commissioned by the PCC locally and nationally)".
    """

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    commissioned_by_pcc = models.BooleanField(default=False)
    national = models.BooleanField(default=False, help_text="National rather than local.")
    specialisms = ArrayField(
        models.CharField(max_length=30, choices=Specialism.choices), default=list, blank=True
    )
    districts = ArrayField(
        models.CharField(max_length=30, choices=District.choices),
        default=list,
        blank=True,
        help_text="Districts covered; empty means the whole area.",
    )
    how_to_refer = models.TextField(blank=True)
    referral_email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        permissions = [("manage_directory", "Can add, edit and deactivate directory services")]

    def __str__(self) -> str:
        return self.name

    @property
    def specialism_labels(self) -> list[str]:
        return [Specialism(s).label for s in self.specialisms if s in Specialism.values]

    @property
    def district_labels(self) -> list[str]:
        return [District(d).label for d in self.districts if d in District.values]
