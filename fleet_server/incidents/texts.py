"""The incidents' refusals as phrases: a report whose place is unknown or out of bounds, an
incident that is not there or cannot be resolved, escalated or dispatched as it stands, a photo
that cannot be taken, a logbook search with half a place."""

from __future__ import annotations

from fleet_server.texts import Phrase

INCIDENT_NOT_FOUND = Phrase("incident.not_found", "unknown incident {incident}")
UNKNOWN_SITE = Phrase("incident.unknown_site", "unknown site {site!r}")
UNKNOWN_NODE = Phrase("incident.unknown_node", "unknown node {node!r} on site {site!r}")
OFF_SITE = Phrase(
    "incident.off_site",
    "location ({x:g}, {y:g}) is off site {site!r}: outside its geofence ({geofences})",
)
IN_NO_GO_ZONE = Phrase(
    "incident.in_no_go_zone",
    "location ({x:g}, {y:g}) is inside no-go zone {zone!r}; no robot may go there",
)
# `problem`: why the cleaning plan around the spot failed.
NO_ROOM_TO_CLEAN = Phrase(
    "incident.no_room_to_clean", "cannot clean around ({x:g}, {y:g}): {problem}"
)
CANNOT_RESOLVE = Phrase(
    "incident.cannot_resolve", "cannot resolve incident {incident}: it is {incident_status}"
)
CANNOT_ESCALATE = Phrase(
    "incident.cannot_escalate", "cannot escalate incident {incident}: it is {incident_status}"
)
NOT_DISPATCHABLE = Phrase(
    "incident.not_dispatchable",
    "incident {incident} is {incident_status}; only a held, escalated or answered incident is "
    "dispatched by hand",
)
NOT_DISPATCHABLE_WITH_MISSION = Phrase(
    "incident.not_dispatchable_with_mission",
    "incident {incident} is {incident_status} with mission {mission}; only a held, escalated or "
    "answered incident is dispatched by hand",
)

PHOTO_NOT_FOUND = Phrase("photo.not_found", "no photo {photo} has been received")
PHOTO_BAD_ID = Phrase(
    "photo.bad_id", "{photo!r} is not a photo id (photo-<serial>-<16 hex digits>)"
)
PHOTO_NOT_OWN = Phrase(
    "photo.not_own", "robot {robot} may upload only its own photos; {photo} is {owner}'s"
)
PHOTO_NO_MEDIA_TYPE = Phrase("photo.no_media_type", "Content-Type must be {allowed}, not missing")
PHOTO_MEDIA_TYPE = Phrase("photo.media_type", "Content-Type must be {allowed}, not {declared}")
PHOTO_TOO_LARGE = Phrase("photo.too_large", "the photo has {size} bytes; at most {limit} are taken")
PHOTO_OTHER_IMAGE = Phrase(
    "photo.other_image", "the body is a {found} image, not the {declared} its Content-Type says"
)
PHOTO_NOT_AN_IMAGE = Phrase(
    "photo.not_an_image",
    "the body is neither a JPEG nor a PNG image, not the {declared} its Content-Type says",
)
PHOTO_CHANGED = Phrase(
    "photo.changed",
    "photo {photo} was received already with other content (SHA-256 {sha256}); a photo is never "
    "replaced",
)

PLACE_INCOMPLETE = Phrase("logbook.place_incomplete", "a place needs x, y and radius together")
