"""The recovery plan and its records moved to assessments (beside the DVNA that feeds them);
this app keeps only their migration history."""
