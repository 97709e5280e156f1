"""What cases tells the apps above it when a case moves (they may not be imported here).

`case_moved` is sent by the only two writers of a case's status, cases.services.transition_case
and cases.services.open_case, inside the transaction that makes the move, after the move's
row is written: a receiver's writes commit or roll back with the move. So work that must
follow every entry to (or exit from) a status has one home that no route can miss (e.g.
contact.closures schedules the automatic closure of a case the hub did not support).

Arguments: case (the case, in its new status), from_status, to_status, transitions (the
number of rows of the case's timeline after the move, when the sender knows it without a
query: None otherwise).

`cases_opened` is sent by cases.services.open_cases, which opens many new cases at once
(intake.bulk) with bulk INSERTs, so neither post_save nor case_moved is sent for them. Its
receivers do for every case what their post_save and case_moved receivers do for a case
opened by open_case (each case moved out of "received" into its status, with the two rows
of its timeline). Argument: cases, the new cases, each with its person and crime loaded.
"""

from __future__ import annotations

from django.dispatch import Signal

case_moved = Signal()
cases_opened = Signal()
