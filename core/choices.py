"""Reference lists every app shares: the districts of Cambridgeshire and Peterborough.

Slugs as the API contract uses them (DOMAIN.md).
"""

from django.db import models


class District(models.TextChoices):
    CAMBRIDGE = "cambridge", "Cambridge City"
    EAST_CAMBRIDGESHIRE = "east_cambridgeshire", "East Cambridgeshire"
    FENLAND = "fenland", "Fenland"
    HUNTINGDONSHIRE = "huntingdonshire", "Huntingdonshire"
    SOUTH_CAMBRIDGESHIRE = "south_cambridgeshire", "South Cambridgeshire"
    PETERBOROUGH = "peterborough", "Peterborough"
    OUT_OF_AREA = "out_of_area", "Outside Cambridgeshire and Peterborough"


# The districts the hub covers (a service or a volunteer works in these).
LOCAL_DISTRICTS = [c for c in District.choices if c[0] != District.OUT_OF_AREA]
