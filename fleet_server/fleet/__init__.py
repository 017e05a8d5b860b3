"""The fleet: every robot the server knows and what it reports. The MQTT gateway (the only code
that talks to the broker), the live registry that ingests state, connection and factsheet messages
and writes them in batches, the roster of registered and unknown robots, refused messages, header
ids, each robot's daily activity, each robot's learned energy use, and the outbox through which
orders reach robots; its tables are robots, telemetry, activity days, header counters and robots'
energy figures; its routes are /robots."""
