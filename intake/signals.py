"""What intake tells the apps above it (they may not be imported here).

`ivnas_recorded` is sent by intake.bulk when it stores many IVNAs with one bulk INSERT, so
no post_save is sent for them: its receivers do for each what their post_save receivers of
Ivna do (rights.receivers: Right 2, the crime recorded). Argument: ivnas, the new IVNAs,
each with its case loaded. Receivers run in the same transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

ivnas_recorded = Signal()
