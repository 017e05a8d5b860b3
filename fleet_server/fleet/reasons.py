"""Why the server holds a robot offline, as phrases the console words in the user's language
(fleet_server.texts); the missions a robot drops and the alerts it raises say it inside theirs."""

from __future__ import annotations

from fleet_server.texts import Phrase

# By the connection state the robot's last will (or its own goodbye) reported.
CONNECTION_OFFLINE = Phrase("reason.connection_offline", "connection OFFLINE")
CONNECTION_BROKEN = Phrase("reason.connection_broken", "connection CONNECTIONBROKEN")
SILENT = Phrase("reason.silent", "no state for more than {seconds} s")
