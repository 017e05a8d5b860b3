"""The /schedules and /templates routes."""
