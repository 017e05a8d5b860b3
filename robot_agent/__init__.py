"""On-robot VDA 5050 vehicle: MQTT session, order executor and the Driver interface."""
