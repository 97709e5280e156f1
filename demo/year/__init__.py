"""The demo year at the 2015 profile (demo.year.engine.generate), built per app by builders
that share the services' rules: profile (Table 1-3), people, intake, triaged, contact,
support, referrals, volunteers; written by demo.year.rows."""

from demo.year.engine import (
    AlreadyGenerated,
    Generator,
    build_rows,
    default_as_of,
    ensure_staff,
    generate,
    has_generated_data,
)
from demo.year.plans import GenerateResult, Staff
from demo.year.profile import (
    AGE_BANDS,
    AGE_BY_DISTRICT,
    AGE_RANGES,
    DEPRIVATION_BY_DISTRICT,
    DISTRICT_VICTIMS,
    DISTRICTS,
    ETHNICITIES,
    ETHNICITY_BY_DISTRICT,
    GENDER_BY_DISTRICT,
    GENDERS,
    MARKER_VICTIMS_2015,
    QUINTILES,
    SELF_REFERRALS_2015,
    SUPPORTED_RATE_2015,
    VICTIMS_2015,
    largest_remainder,
    plan_population,
)
from demo.year.rows import CopyWriter, IdPool, Rows

__all__ = [
    "AGE_BANDS", "AGE_BY_DISTRICT", "AGE_RANGES", "DEPRIVATION_BY_DISTRICT",
    "DISTRICT_VICTIMS", "DISTRICTS", "ETHNICITIES", "ETHNICITY_BY_DISTRICT",
    "GENDER_BY_DISTRICT", "GENDERS", "MARKER_VICTIMS_2015", "QUINTILES",
    "SELF_REFERRALS_2015", "SUPPORTED_RATE_2015", "VICTIMS_2015", "AlreadyGenerated",
    "CopyWriter", "GenerateResult", "Generator", "IdPool", "Rows", "Staff", "build_rows",
    "default_as_of", "ensure_staff", "generate", "has_generated_data", "largest_remainder",
    "plan_population",
]
