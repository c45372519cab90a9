"""Copy each agreement's "concluded in the cycle" from the agreement to the cycle.

The relation moves from programmes (PartnershipAgreement.cycle) to workshops
(WorkshopCycle.agreements), so that programmes, the base domain, no longer refers to
workshops. Reversing copies it back (an agreement concluded in several cycles keeps the
first by id, as the old field held one).
"""

from django.db import migrations


def copy_to_cycles(apps, schema_editor):
    agreement_model = apps.get_model("programmes", "PartnershipAgreement")
    link = apps.get_model("workshops", "WorkshopCycle").agreements.through
    link.objects.bulk_create(
        link(workshopcycle_id=cycle_id, partnershipagreement_id=agreement_id)
        for agreement_id, cycle_id in agreement_model.objects.filter(
            cycle__isnull=False
        ).values_list("pk", "cycle_id")
    )


def copy_back(apps, schema_editor):
    agreement_model = apps.get_model("programmes", "PartnershipAgreement")
    link = apps.get_model("workshops", "WorkshopCycle").agreements.through
    for row in link.objects.order_by("-workshopcycle_id"):
        agreement_model.objects.filter(pk=row.partnershipagreement_id).update(
            cycle_id=row.workshopcycle_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_cycle_agreements"),
    ]

    operations = [migrations.RunPython(copy_to_cycles, copy_back)]
