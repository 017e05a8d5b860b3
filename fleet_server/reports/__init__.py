"""The fleet's day in figures: aggregates of missions, incidents and robot days over a period."""
