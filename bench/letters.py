"""Benchmark: render the introductory letter (PDF and text) 100 times.

    DATABASE_URL=postgres://... .venv/bin/python bench/letters.py [--runs N] [--language pl]

The Letter, Case and Person are built in memory and never saved: nothing is written to the
database (settings need DATABASE_URL, but no query is made).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

import django  # noqa: E402

django.setup()

# WeasyPrint logs every step at INFO (even its import): keep the output to the figures.
for _name in ("weasyprint", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)

from cases.models import Case, Person  # noqa: E402
from contact.letters import render_letter  # noqa: E402
from contact.models import Channel, Letter, LetterKind  # noqa: E402


def build_letter(language: str) -> Letter:
    person = Person(
        first_name="Ann",
        last_name="Example",
        address_line1="1 High Street",
        address_line2="Flat 2",
        town="Wisbech",
        postcode="PE13 1AA",
        first_language=language,
    )
    case = Case(pk=123, person=person)
    return Letter(
        pk=1, case=case, kind=LetterKind.INTRODUCTORY, channel=Channel.POST, language=language
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--language", default="en")
    args = parser.parse_args()

    letter = build_letter(args.language)
    render_letter(letter)  # warm-up: templates, fonts, WeasyPrint's own stylesheets

    timings = []
    started = time.perf_counter()
    size = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        pdf, _text = render_letter(letter)
        timings.append((time.perf_counter() - t0) * 1000)
        size = len(pdf)
    total = (time.perf_counter() - started) * 1000

    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    print(f"introductory letter ({args.language}), {args.runs} renders, PDF {size / 1024:.0f} KiB")
    print(f"median {statistics.median(timings):.1f} ms")
    print(f"p95    {p95:.1f} ms")
    print(f"total  {total:.0f} ms")


if __name__ == "__main__":
    main()
