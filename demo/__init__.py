"""Demo data: logins, a handful of cases, volunteers and a year at the 2015 profile."""
