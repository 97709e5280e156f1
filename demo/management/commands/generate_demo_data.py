"""Demo data at the 2015 profile (demo/year/): people, crimes, IVNAs and case histories.

    python manage.py generate_demo_data --victims 29218 --year 2015 --seed 2015

Prints the flow of the year it made (reporting.flow.compute_flow) beside the 2015 figures,
and the time taken.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.year import (
    SELF_REFERRALS_2015,
    SUPPORTED_RATE_2015,
    VICTIMS_2015,
    AlreadyGenerated,
    generate,
)
from reporting.flow import Period, compute_flow


def _as_of(value: str) -> datetime:
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise CommandError("--as-of takes a date: YYYY-MM-DD") from error
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


class Command(BaseCommand):
    help = (
        "Generate demo victims, crimes, IVNAs and complete case histories for a year, at the "
        "2015 profile (Table 1 of the 2016 update; DOMAIN.md). Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--victims", type=int, default=2000,
                            help="How many people (victims) to create (default 2,000; the 2015 "
                            f"figure is {VICTIMS_2015:,}).")
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1,
                            help="The year of referral (default: last year).")
        parser.add_argument("--seed", type=int, default=2015, help="Random seed (default 2015).")
        parser.add_argument("--append", action="store_true",
                            help="Add to a database that already has generated data.")
        parser.add_argument("--as-of", type=_as_of, default=None,
                            help="Run the histories up to this date (default: the end of the "
                            "year). Use a later date when generating earlier years of a run.")
        parser.add_argument("--chunk-size", type=int, default=5000,
                            help="People per transaction (default 5,000).")

    def handle(self, *args, victims, year, seed, append, as_of, chunk_size, **options):
        verbose = options["verbosity"] >= 1
        self.stdout.write(f"Generating {victims:,} victims referred in {year} (seed {seed})...")
        started = time.perf_counter()
        try:
            result = generate(
                victims=victims, year=year, seed=seed, append=append, as_of=as_of,
                chunk_size=chunk_size,
                progress=self.stdout.write if verbose and victims > chunk_size else None,
            )
        except AlreadyGenerated as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        if verbose:
            rows = ", ".join(f"{name} {n:,}" for name, n in result.counts.items())
            self.stdout.write(f"Rows: {rows}")
        flow = compute_flow(Period(date(year, 1, 1), date(year, 12, 31)))
        self.stdout.write(format_flow(flow, victims))
        self.stdout.write(self.style.SUCCESS(
            f"Generated {victims:,} victims ({sum(result.counts.values()):,} rows) in "
            f"{seconds:.1f}s."
        ))


def format_flow(flow, victims: int) -> str:
    """The flow as a tree, with 2015's figures scaled to the number of victims."""
    scale = victims / VICTIMS_2015
    rate = f"{flow.supported_rate:.1%}" if flow.supported_rate is not None else "-"
    vulnerable_share = flow.vulnerable / flow.referred if flow.referred else 0
    lines = [
        "Flow of the year (reporting.flow.compute_flow):",
        f"  referred               {flow.referred:>8,}   unique victims {flow.unique_victims:,}",
        f"  ├── letter_only        {flow.letter_only:>8,}",
        f"  │   └── responded      {flow.responded_to_letter:>8,}",
        f"  ├── high_risk          {flow.high_risk:>8,}",
        f"  ├── declined_at_ivna   {flow.declined_at_ivna:>8,}",
        f"  └── vulnerable         {flow.vulnerable:>8,}   ({vulnerable_share:.1%} of referrals)",
        f"      ├── supported_elsewhere {flow.supported_elsewhere:>5,}",
        f"      ├── awaiting_contact    {flow.awaiting_contact:>5,}",
        f"      ├── no_contact          {flow.no_contact:>5,}",
        f"      └── contacted      {flow.contacted:>8,}",
        f"          ├── declined   {flow.declined:>8,}",
        f"          ├── signposted {flow.signposted:>8,}",
        f"          └── accepted   {flow.accepted:>8,}",
        f"  self_referred          {flow.self_referred:>8,}   "
        f"(2015 scaled: {SELF_REFERRALS_2015 * scale:,.0f})",
        f"  letters_sent           {flow.letters_sent:>8,}",
        f"  supported_rate         {rate:>8}   (2015: about {SUPPORTED_RATE_2015:.0%}; "
        f"supported {flow.accepted:,}, 2015 scaled: over {4000 * scale:,.0f})",
        f"  leaves add up: {'yes' if flow.leaves_add_up() else 'NO'}",
    ]
    return "\n".join(lines)
