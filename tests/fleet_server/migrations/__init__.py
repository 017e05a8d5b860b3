"""Tests of the schema revisions."""
