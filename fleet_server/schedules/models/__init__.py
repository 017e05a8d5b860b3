"""The schedule and template tables and their API schemas."""
