"""Evidence photos: a robot's upload checked, stored under the data folder with a name the server
makes, its SHA-256 recorded in a table and in the logbook, and read back for the console.

Photos are kept for good: the logbook that holds their hashes is append-only, and an incident's or
a voucher claim's evidence must still be shown years later. Nothing here deletes a photo.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from fleet_protocol.base import utc_now
from fleet_protocol.evidence import JPEG, MEDIA_TYPES, media_type, photo_owner
from fleet_server.db import session_scope
from fleet_server.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    TooLarge,
    UnsupportedMediaType,
)
from fleet_server.incidents.logbook import Logbook
from fleet_server.incidents.logbook_texts import PHOTO_RECEIVED
from fleet_server.incidents.models.logbook import EntryKind
from fleet_server.incidents.models.photo import EvidencePhoto
from fleet_server.incidents.texts import (
    PHOTO_BAD_ID,
    PHOTO_CHANGED,
    PHOTO_MEDIA_TYPE,
    PHOTO_NO_MEDIA_TYPE,
    PHOTO_NOT_AN_IMAGE,
    PHOTO_NOT_FOUND,
    PHOTO_NOT_OWN,
    PHOTO_OTHER_IMAGE,
    PHOTO_TOO_LARGE,
)
from fleet_server.missions.models.mission import Mission
from fleet_server.missions.service import MissionService

log = logging.getLogger(__name__)

PHOTOS_DIR = "photos"
SUFFIXES = {JPEG: ".jpg", "image/png": ".png"}
# How many of a robot's latest missions are searched for the one that took a photo.
MISSIONS_SEARCHED = 10


class PhotoArchive:
    """Takes robots' photos and gives them back; each photo is stored once, under its id."""

    def __init__(
        self,
        engine: Engine,
        data_dir: Path,
        logbook: Logbook,
        missions: MissionService,
        *,
        max_bytes: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.folder = data_dir / PHOTOS_DIR
        self.logbook = logbook
        self.missions = missions
        self.max_bytes = max_bytes
        self.clock = clock

    async def accept(
        self, photo_id: str, robot: str, content_type: str | None, body: bytes
    ) -> tuple[EvidencePhoto, bool]:
        """Store a robot's photo; returns it and whether it is new (the same photo sent again,
        as after a lost answer, is taken once). Forbidden for another robot's photo id. The file
        is written in a thread; the record and the logbook entry on the caller's loop, like
        every other logbook entry (the chain has one writer)."""
        kind = self._check(photo_id, robot, content_type, body)
        digest = hashlib.sha256(body).hexdigest()
        known = self._find(photo_id)
        if known is not None:
            return self._same_again(known, digest), False
        stored_as = await asyncio.to_thread(self._write, body, SUFFIXES[kind])
        mission = self._mission_of(photo_id, robot)
        incident = mission.definition.get("incident") if mission is not None else None
        photo = EvidencePhoto(
            photo_id=photo_id,
            robot=robot,
            media_type=kind,
            size_bytes=len(body),
            sha256=digest,
            stored_as=stored_as,
            mission_id=mission.id if mission is not None else None,
            incident_id=incident,
            received_at=self.clock(),
        )
        try:
            with session_scope(self.engine) as session:
                session.add(photo)
        except IntegrityError:  # the same photo from a retry that overtook this one
            (self.folder / stored_as).unlink(missing_ok=True)
            known = self._find(photo_id)
            if known is None:
                raise
            return self._same_again(known, digest), False
        self._log(photo, mission)
        log.info("photo %s from %s stored as %s", photo_id, robot, stored_as)
        return photo, True

    def get(self, photo_id: str) -> EvidencePhoto:
        """A stored photo's record; NotFound if no such photo has arrived."""
        photo = self._find(photo_id)
        if photo is None:
            raise NotFound(PHOTO_NOT_FOUND.of(photo=photo_id), field="photo_id")
        return photo

    def path(self, photo: EvidencePhoto) -> Path:
        """Where the photo's file is."""
        return self.folder / photo.stored_as

    def find(
        self, *, incident_id: int | None, mission_id: int | None, limit: int
    ) -> list[EvidencePhoto]:
        """Photos newest first, of an incident or a mission."""
        query = select(EvidencePhoto).order_by(col(EvidencePhoto.received_at).desc()).limit(limit)
        if incident_id is not None:
            query = query.where(EvidencePhoto.incident_id == incident_id)
        if mission_id is not None:
            query = query.where(EvidencePhoto.mission_id == mission_id)
        with Session(self.engine) as session:
            return list(session.exec(query))

    # ---- helpers

    def _check(self, photo_id: str, robot: str, content_type: str | None, body: bytes) -> str:
        owner = photo_owner(photo_id)
        if owner is None:
            raise Invalid(PHOTO_BAD_ID.of(photo=photo_id), field="photo_id")
        if owner != robot:
            raise Forbidden(PHOTO_NOT_OWN.of(robot=robot, photo=photo_id, owner=owner))
        declared = (content_type or "").split(";")[0].strip().lower()
        if declared not in MEDIA_TYPES:
            allowed = " or ".join(MEDIA_TYPES)
            refusal = (
                PHOTO_MEDIA_TYPE.of(allowed=allowed, declared=declared)
                if declared
                else PHOTO_NO_MEDIA_TYPE.of(allowed=allowed)
            )
            raise UnsupportedMediaType(refusal, field="Content-Type")
        if len(body) > self.max_bytes:
            raise TooLarge(PHOTO_TOO_LARGE.of(size=len(body), limit=self.max_bytes), field="body")
        found = media_type(body)
        if found != declared:
            refusal = (
                PHOTO_OTHER_IMAGE.of(found=found, declared=declared)
                if found
                else PHOTO_NOT_AN_IMAGE.of(declared=declared)
            )
            raise Invalid(refusal, field="body")
        return declared

    def _find(self, photo_id: str) -> EvidencePhoto | None:
        with Session(self.engine) as session:
            return session.get(EvidencePhoto, photo_id)

    @staticmethod
    def _same_again(known: EvidencePhoto, digest: str) -> EvidencePhoto:
        if known.sha256 != digest:
            raise Conflict(
                PHOTO_CHANGED.of(photo=known.photo_id, sha256=known.sha256), field="photo_id"
            )
        return known

    def _write(self, body: bytes, suffix: str) -> str:
        """Write the file under a fresh random name; it appears whole or not at all."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{secrets.token_hex(16)}{suffix}"
        partial = self.folder / f"{name}.part"
        with open(partial, "xb") as stream:
            stream.write(body)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, self.folder / name)
        return name

    def _mission_of(self, photo_id: str, robot: str) -> Mission | None:
        """The mission whose action reported the photo, or else the robot's running one."""
        recent = self.missions.find(None, robot, MISSIONS_SEARCHED)
        for mission in recent:
            for visit in mission.results.get("checkpoints", []):
                if any(a["result"] == photo_id for a in visit["actions"]):
                    return mission
        return next((m for m in recent if not m.status.finished), None)

    def _log(self, photo: EvidencePhoto, mission: Mission | None) -> None:
        # Where the robot is as the photo arrives: where it took it, unless the upload was late.
        try:
            robot = self.missions.registry.get(photo.robot)
        except NotFound:
            robot = None
        site = mission.site_id if mission is not None else robot.map_id if robot else None
        self.logbook.append(
            EntryKind.PHOTO,
            site_id=site or "",
            x=robot.x if robot else None,
            y=robot.y if robot else None,
            robot=photo.robot,
            mission_id=photo.mission_id,
            incident_id=photo.incident_id,
            actor=photo.robot,
            summary=PHOTO_RECEIVED.of(
                photo=photo.photo_id,
                robot=photo.robot,
                size_bytes=photo.size_bytes,
                media_type=photo.media_type,
                sha256=photo.sha256,
            ),
            details={
                "photo_id": photo.photo_id,
                "sha256": photo.sha256,
                "size_bytes": photo.size_bytes,
                "media_type": photo.media_type,
            },
        )
