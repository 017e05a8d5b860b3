"""Schedules and templates: recurring missions with their rules of recurrence, and named mission
templates loaded from missions/templates or made over the API; its routes are /schedules and
/templates."""
