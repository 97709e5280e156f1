"""Seed the service directory with the services the source documents name (2016 update,
section 5: additional commissioned support; the service specification)."""

from django.db import migrations

SERVICES = [
    dict(name="Cambridge Rape Crisis Centre", commissioned_by_pcc=True,
         specialisms=["sexual_violence"], districts=["cambridge", "east_cambridgeshire",
         "south_cambridgeshire", "huntingdonshire", "fenland"],
         description="Peer support groups and a telephone support line for survivors of sexual violence.",
         how_to_refer="Referral form by secure email, with the victim's consent."),
    dict(name="Peterborough Rape Crisis Care Group", commissioned_by_pcc=True,
         specialisms=["sexual_violence"], districts=["peterborough"],
         description="Support groups and helpline for survivors of sexual violence in Peterborough.",
         how_to_refer="Referral form by secure email, with the victim's consent."),
    dict(name="Independent Sexual Violence Advisor (ISVA) service", commissioned_by_pcc=True,
         specialisms=["sexual_violence"], districts=[],
         description="Independent advocacy for victims of sexual violence through the criminal justice process, including a children and young people's ISVA at Women's Aid in Peterborough.",
         how_to_refer="Phone referral followed by the referral document."),
    dict(name="Independent Domestic Violence Advisor (IDVA) service", commissioned_by_pcc=True,
         specialisms=["domestic_abuse"], districts=[],
         description="Specialist support and safety planning for victims of domestic abuse.",
         how_to_refer="Referral document by secure email; high-risk cases go through MARAC."),
    dict(name="Young People's Domestic Violence Advisor (MARU)", commissioned_by_pcc=True,
         specialisms=["domestic_abuse", "young_people"], districts=[],
         description="Support for younger victims of domestic violence from the Multi-Agency Referral Unit.",
         how_to_refer="Referral through the MARU."),
    dict(name="Peterborough Women's Aid", commissioned_by_pcc=False,
         specialisms=["domestic_abuse", "sexual_violence", "young_people"], districts=["peterborough", "fenland"],
         description="Refuge, outreach and support for women and children affected by domestic abuse.",
         how_to_refer="Referral or supported signposting, with the victim's consent."),
    dict(name="The Bobby Scheme", commissioned_by_pcc=False,
         specialisms=["home_security", "older_people", "domestic_abuse"], districts=[],
         description="Home security improvements (window and door locks, spy-holes) for older people, victims of domestic abuse and other vulnerable victims.",
         how_to_refer="Referral by phone or email."),
    dict(name="Victims' Hub mental health nurse (CPN)", commissioned_by_pcc=True,
         specialisms=["mental_health"], districts=[],
         description="A community psychiatric nurse hosted in the hub who picks up victims' immediate mental health needs.",
         how_to_refer="Internal referral within the hub."),
    dict(name="Mental Health Pathfinders (Cambridgeshire and Peterborough NHS Foundation Trust)",
         commissioned_by_pcc=True, specialisms=["mental_health"], districts=[],
         description="Mental health screening and access to primary and secondary mental health services.",
         how_to_refer="Referral document by secure email."),
    dict(name="Migrant Support Worker (The Ferry Project)", commissioned_by_pcc=True,
         specialisms=["migrant_workers"], districts=["fenland"],
         description="Support for exploited migrant workers, including rehousing, in several European languages.",
         how_to_refer="Referral by phone or email."),
    dict(name="Road Victims Trust", commissioned_by_pcc=False,
         specialisms=["road_victims", "bereavement"], districts=[],
         description="Support for people bereaved or injured by road collisions.",
         how_to_refer="Referral by phone or email."),
    dict(name="Restorative Justice service", commissioned_by_pcc=True,
         specialisms=["restorative_justice"], districts=[],
         description="Brings victims and offenders into communication, when the victim wants it, to repair the harm.",
         how_to_refer="Referral document, with the victim's consent."),
    dict(name="Victim Support (national)", commissioned_by_pcc=False, national=True,
         specialisms=["hate_crime", "bereavement"], districts=[],
         description="National charity for victims of crime: Supportline and specialist services.",
         how_to_refer="Supported signposting to the national Supportline."),
]


def seed(apps, schema_editor):
    SupportService = apps.get_model("referrals", "SupportService")
    for service in SERVICES:
        SupportService.objects.update_or_create(name=service["name"], defaults=service)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
