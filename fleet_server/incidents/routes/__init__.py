"""The /incidents and /logbook routes."""
