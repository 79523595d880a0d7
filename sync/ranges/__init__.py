"""Backfill and Undo a range: the owner sends again, or takes back out of Accurate, the documents of
one outlet (or all) whose POS dates fall in a range of days.

- `selection`: which outbox rows a range covers (the documents' own POS dates on their outlet's
  clock, inclusive) and which of them have documents in Accurate.
- `backfill`: the preview's counts and the release (held and waiting rows due now, Failed rows
  Pending again); rows already in Accurate are left alone, so nothing is posted twice.
- `undo` and `deletion`: the preview, then a Celery task that claims the rows under a push lane
  and deletes their documents dependents first, recording an attempt per row.
- `views` and `forms`: the owner's page, its confirmation and the undo's progress.
"""
