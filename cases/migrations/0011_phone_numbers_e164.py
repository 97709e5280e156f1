"""Phone numbers in one format (issue 16): every person's number and the numbers never to call
are rewritten in E.164 ("07700 900123" becomes "+447700900123") where core.phones reads them
as phone numbers; the rest are left as they were and counted. Searching by phone needs the
one format, and an index."""

import sys

from django.db import migrations, models


def to_e164(apps, schema_editor):
    from core.phones import to_e164 as parse

    Person = apps.get_model("cases", "Person")
    changed = kept = 0
    for person in Person.objects.exclude(phone="", unsafe_numbers=[]).iterator():
        fields = []
        if person.phone:
            stored = parse(person.phone)
            if stored is None:
                kept += 1
            elif stored != person.phone:
                person.phone = stored
                fields.append("phone")
        unsafe = []
        for number in person.unsafe_numbers:
            stored = parse(number)
            kept += stored is None
            unsafe.append(stored or number)
        if unsafe != person.unsafe_numbers:
            person.unsafe_numbers = unsafe
            fields.append("unsafe_numbers")
        if fields:
            person.save(update_fields=fields)
            changed += 1
    if changed or kept:
        sys.stdout.write(
            f"\n  Phone numbers: {changed} people's rewritten in E.164; {kept} numbers are not "
            "phone numbers and were left as they were.\n"
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_case_contact_due_index")]

    operations = [
        migrations.RunPython(to_e164, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["phone"], name="person_phone"),
        ),
    ]
