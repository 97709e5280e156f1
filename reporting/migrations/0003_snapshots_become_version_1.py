"""The returns stored before versions (one per quarter and counting rules, on first read) are
carried over: a quarter's first snapshot is its version 1 (final), any later one (made by a
newer version of the counting rules) the next version, with what changed."""

from django.db import migrations


def carry_over(apps, schema_editor):
    from reporting.figures import changes

    Snapshot = apps.get_model("reporting", "QuarterlyReturnSnapshot")
    Version = apps.get_model("reporting", "QuarterlyReturnVersion")
    previous = {}
    for snapshot in Snapshot.objects.order_by("year", "quarter", "created_at", "pk"):
        quarter = (snapshot.year, snapshot.quarter)
        before = previous.get(quarter)
        made = []
        if before is not None:
            made = [{"section": "rules", "breakdown": "all",
                     "category": "counting_rules_version",
                     "from": before.rules_version, "to": snapshot.rules_version}]
            made += changes(before.payload, snapshot.payload)
        Version.objects.create(
            year=snapshot.year, quarter=snapshot.quarter,
            version=1 if before is None else before.version + 1,
            rules_version=snapshot.rules_version, payload=snapshot.payload, changes=made,
            created_at=snapshot.created_at,
        )
        snapshot.version = 1 if before is None else before.version + 1
        previous[quarter] = snapshot


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_quarterly_return_versions"),
    ]

    # Backwards: the versions table is dropped by 0002's reverse; the snapshots are kept.
    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
