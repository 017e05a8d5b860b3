"""Fleet server: REST API, MQTT gateway, missions and dispatch for a VDA 5050 fleet."""
