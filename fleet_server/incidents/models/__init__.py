"""The incident and logbook tables and their API schemas."""
