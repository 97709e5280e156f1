"""Cases already waiting in a status that now closes by itself (issue 12, contact.closures)
get their CLOSE_CASE row, due the set number of working days after they entered it (the
last row of their timeline): without it, the cases opened before the rule would stay open
for ever. A period already over is due at once: the dispatcher closes those cases on its
next run (the handler still checks each has not moved). Rows are keyed as
contact.closures.closure_key keys them, so running it again schedules nothing twice."""

from django.conf import settings
from django.db import migrations
from django.db.models import Count, Max

from core.working_days import end_of_working_day

BATCH = 2000


def schedule_closures(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    ScheduledItem = apps.get_model("scheduling", "ScheduledItem")
    days = settings.HUB_CLOSE_AFTER_WORKING_DAYS
    waiting = (
        Case.objects.filter(status__in=list(days))
        .annotate(rows=Count("transitions"), entered=Max("transitions__at"))
        .values_list("pk", "status", "rows", "entered")
        .order_by("pk")
    )
    items = []
    for pk, status, rows, entered in waiting.iterator(chunk_size=BATCH):
        if entered is None:
            continue
        due = end_of_working_day(entered, days[status])
        items.append(ScheduledItem(
            kind="close_case", case_id=pk, due_at=due, state="due",
            dedupe_key=f"close_case:{pk}:{rows}",
            payload={"status": status, "transitions": rows},
            created_at=entered,
        ))
        if len(items) >= BATCH:
            ScheduledItem.objects.bulk_create(items, ignore_conflicts=True)
            items = []
    ScheduledItem.objects.bulk_create(items, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("contact", "0005_letters12_safety_check"),
        ("cases", "0008_people_merge"),
        ("scheduling", "0005_close_case"),
    ]

    operations = [
        migrations.RunPython(schedule_closures, migrations.RunPython.noop),
    ]
