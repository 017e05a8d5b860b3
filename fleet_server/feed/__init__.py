"""The live feed: robot, mission and incident changes coalesced into batches (hub) and carried to
the console over a WebSocket (routes). It sits above the domains whose changes it shows."""
