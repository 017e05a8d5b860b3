"""Alerts: what an operator must be told (new, escalated and held incidents, robot errors, robots
lost mid-mission, foreign orders, low batteries), stored, de-duplicated and acknowledged; its
routes are /alerts, and the live feed carries each change to every console."""
