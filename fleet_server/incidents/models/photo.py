"""Evidence photos robots uploaded: who took each, its SHA-256, and the file the server keeps."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from fleet_protocol.base import utc_now
from fleet_server.db import utc_column


class EvidencePhoto(SQLModel, table=True):
    """One photo as received. Kept for good, as the logbook entry holding its hash is."""

    photo_id: str = Field(primary_key=True, max_length=100)
    robot: str = Field(index=True, max_length=64)
    media_type: str = Field(max_length=20)
    size_bytes: int
    sha256: str = Field(max_length=64)
    # The file's name under the data folder's photos/, made by the server.
    stored_as: str = Field(max_length=200)
    mission_id: int | None = Field(default=None, index=True)
    incident_id: int | None = Field(default=None, index=True)
    received_at: datetime = Field(default_factory=utc_now, sa_column=utc_column(nullable=False))


class EvidencePhotoPublic(BaseModel):
    """What the API says about a stored photo (the image itself is GET /photos/{id})."""

    photo_id: str
    robot: str
    media_type: str
    size_bytes: int
    sha256: str
    mission_id: int | None
    incident_id: int | None
    received_at: datetime

    @classmethod
    def of(cls, photo: EvidencePhoto) -> EvidencePhotoPublic:
        """The public view of a photo row."""
        return cls(**photo.model_dump(exclude={"stored_as"}))
