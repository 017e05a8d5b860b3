"""The fleet's tables and API schemas: robots, telemetry samples, activity days, header counters."""
