# A sales summary keeps one tax mode (sync.summaries): a period's taxed sales of the other mode go in a
# part of their own (a sale without PPN fits any part). The open summaries (Pending, never tried: the
# only ones still taking sales) get the mode of their taxed sales when they share one ("untaxed" when
# none is taxed); one that mixes PPN added and PPN inside keeps none, so that no sale joins it any
# more, and is sent as before (its first taxed sale's mode, the rounding line keeping the total).

from django.db import migrations, models


def tax_mode(tax, inclusive):
    if not tax > 0:
        return "untaxed"
    return "inclusive" if inclusive else "exclusive"


def open_summaries_tax_modes(apps, schema_editor):
    SyncActivity = apps.get_model("sync", "SyncActivity")
    open_ids = SyncActivity.objects.filter(kind="order_summary", status="pending", attempts=0).values("pk")
    sales = (
        SyncActivity.objects.filter(kind="order", summary_id__in=open_ids)
        .exclude(status="cancelled")
        .values_list("summary_id", "order__tax", "order__tax_inclusive")
    )
    modes = {}
    for summary_id, tax, inclusive in sales:
        modes.setdefault(summary_id, set()).add(tax_mode(tax, inclusive))
    by_mode = {}
    for summary_id, found in modes.items():
        taxed = found - {"untaxed"}  # a sale without PPN fits either taxed mode
        if len(taxed) <= 1:
            by_mode.setdefault(taxed.pop() if taxed else "untaxed", []).append(summary_id)
    for mode, ids in by_mode.items():
        SyncActivity.objects.filter(pk__in=ids).update(period_tax=mode)


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0016_binding_unchecked_total"),
    ]

    operations = [
        migrations.AddField(
            model_name="syncactivity",
            name="period_tax",
            field=models.CharField(blank=True, default="", max_length=10),
        ),
        migrations.RunPython(open_summaries_tax_modes, migrations.RunPython.noop, elidable=True),
    ]
