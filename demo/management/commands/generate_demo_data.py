"""Demo data at the 2015 profile (demo/year/): people, crimes, IVNAs and case histories.

    python manage.py generate_demo_data --victims 3000 --seed 2015            # up to today
    python manage.py generate_demo_data --victims 29218 --year 2015 --seed 2015

By default the referrals fall over the twelve months up to today (`--today`, the real date
unless given) and the histories run to the start of today, so the hub opens on a morning's
work; `--year` makes a calendar year instead (the tests' and benchmarks' historic year).
Prints the flow of the referrals it made (reporting.flow.compute_flow) in both units,
referrals and unique victims, beside the 2015 figures where the text gives one
(docs/flow.md), and the time taken.
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
from reporting.flow import COUNTING_RULES_VERSION, Period, compute_flow


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{option} takes a date: YYYY-MM-DD") from error


def _as_of(value: str) -> datetime:
    day = _day(value, "--as-of")
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _today(value: str) -> date:
    return _day(value, "--today")


class Command(BaseCommand):
    help = (
        "Generate demo victims, crimes, IVNAs and case histories at the 2015 profile (Table 1 "
        "of the 2016 update; DOMAIN.md): over the twelve months up to today, or for a year. "
        "Deterministic for a seed and a day (or year)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--victims", type=int, default=2000,
                            help="How many people (victims) to create (default 2,000; the 2015 "
                            f"figure is {VICTIMS_2015:,}).")
        parser.add_argument("--today", type=_today, default=None,
                            help="Referrals over the twelve whole months before this day's "
                            "month and this month's days before it; histories up to the start "
                            "of the day (default: the real date).")
        parser.add_argument("--year", type=int, default=None,
                            help="Referrals in this calendar year instead of up to --today "
                            "(the historic year of the tests and benchmarks).")
        parser.add_argument("--seed", type=int, default=2015, help="Random seed (default 2015).")
        parser.add_argument("--append", action="store_true",
                            help="Add to a database that already has generated data.")
        parser.add_argument("--as-of", type=_as_of, default=None,
                            help="Run the histories up to this date (default: the start of "
                            "--today, or the end of --year). Use a later date when generating "
                            "earlier years of a run.")
        parser.add_argument("--chunk-size", type=int, default=5000,
                            help="People per transaction (default 5,000).")

    def handle(self, *args, victims, year, today, seed, append, as_of, chunk_size, **options):
        verbose = options["verbosity"] >= 1
        if year is not None and today is not None:
            raise CommandError("Give --year or --today, not both.")
        if year is None and today is None:
            today = timezone.localdate()
        span = f"in {year}" if year is not None else f"over the twelve months up to {today}"
        self.stdout.write(f"Generating {victims:,} victims referred {span} (seed {seed})...")
        started = time.perf_counter()
        try:
            result = generate(
                victims=victims, year=year, today=today, seed=seed, append=append,
                as_of=as_of, chunk_size=chunk_size,
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
        flow = compute_flow(Period(result.first_day, result.last_day))
        self.stdout.write(format_flow(flow, victims))
        self.stdout.write(self.style.SUCCESS(
            f"Generated {victims:,} victims ({sum(result.counts.values()):,} rows) in "
            f"{seconds:.1f}s."
        ))


# The 2015 figures the text gives (docs/flow.md): box -> (what it says, the number, unit).
FIGURES_2015 = {
    "referred": ("unique victims known to the police", VICTIMS_2015),
    "self_referred": ("came to the hub directly, first full year", SELF_REFERRALS_2015),
    "assessed_vulnerable": ("assessed vulnerable, about", round(4000 / SUPPORTED_RATE_2015)),
    "accepted": ("supported, over", 4000),
}


def format_flow(flow, victims: int) -> str:
    """The flow as a tree in both units (referrals, unique victims), with 2015's figures
    where the text gives one, scaled to the number of victims."""
    scale = victims / VICTIMS_2015
    c, v = flow.counts, flow.victims

    def line(label: str, key: str) -> str:
        text = f"  {label:<44}{c[key]:>9,}{v[key]:>9,}"
        if key in FIGURES_2015:
            says, number = FIGURES_2015[key]
            text += f"   2015: {says} {number:,}"
            if scale != 1:
                text += f" (scaled {number * scale:,.0f})"
        return text

    def rate(value: float | None) -> str:
        return f"{value:.1%}" if value is not None else "-"

    tree = [
        ("referred", "referred"),
        ("├── police_ivna", "police_ivna"),
        ("│   ├── letter_only", "letter_only"),
        ("│   │   └── responded_to_letter", "responded_to_letter"),
        ("│   ├── high_risk", "high_risk"),
        ("│   ├── declined_at_ivna", "declined_at_ivna"),
        ("│   └── vulnerable", "vulnerable"),
        ("│       ├── supported_elsewhere", "supported_elsewhere"),
        ("│       ├── awaiting_contact", "awaiting_contact"),
        ("│       ├── no_contact", "no_contact"),
        ("│       ├── transferred_out", "transferred_out"),
        ("│       └── contacted", "contacted"),
        ("│           ├── declined", "declined"),
        ("│           ├── signposted", "signposted"),
        ("│           └── accepted", "accepted"),
    ]
    for last, way in ((False, "self_referred"), (True, "transferred_in")):
        branch, stem = ("└──", "    ") if last else ("├──", "│   ")
        tree.append((f"{branch} {way}", way))
        tree += [(f"{stem}├── {leaf}", f"{way}_{leaf}") for leaf in
                 ("supported_elsewhere", "awaiting_contact", "no_contact", "transferred_out")]
        tree.append((f"{stem}└── contacted", f"{way}_contacted"))
        tree += [(f"{stem}    {'└' if leaf == 'accepted' else '├'}── {leaf}", f"{way}_{leaf}")
                 for leaf in ("declined", "signposted", "accepted")]
    tree += [
        ("assessed_vulnerable (high_risk+vulnerable)", "assessed_vulnerable"),
        ("supported (accepted, every way in)", "supported"),
        ("written_to", "written_to"),
        ("not_written_to", "not_written_to"),
        ("letter_pending", "letter_pending"),
        ("letters_sent (letters)", "letters_sent"),
        ("follow_up_letters (letters)", "follow_up_letters"),
    ]
    lines = [
        "Flow of the referrals made (reporting.flow.compute_flow, counting rules "
        f"{COUNTING_RULES_VERSION}):",
        f"  {'box':<44}{'referrals':>9}{'victims':>9}",
        *(line(label, key) for label, key in tree),
        f"  {'supported_rate (accepted/assessed vuln.)':<44}{rate(flow.supported_rate):>9}"
        f"{rate(flow.victims_supported_rate):>9}   2015: {SUPPORTED_RATE_2015:.0%} "
        "of victims assessed vulnerable",
        f"  leaves add up: {'yes' if flow.leaves_add_up() else 'NO'}",
    ]
    return "\n".join(lines)
