"""Importing people, memberships and training records from the spreadsheets coordinators
keep: reading the file (files), the columns (fields), each row (check), who is who (match),
and writing it in the background (run); the job's state lives in the database (jobs)."""
