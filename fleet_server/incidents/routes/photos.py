"""/photos: evidence photos robots upload with their own login, and read back by people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from fastapi.responses import FileResponse

from fleet_protocol.evidence import MEDIA_TYPES
from fleet_server.fields import Id
from fleet_server.incidents.models.photo import EvidencePhotoPublic
from fleet_server.settings import PHOTO_BYTES_CEILING
from fleet_server.web.deps import FleetDep
from fleet_server.web.roles import FleetReader, RobotLogin

router = APIRouter(prefix="/photos", tags=["photos"])
# The path below which bodies may be as large as a photo (fleet_server.body_limit).
UPLOAD_PREFIX = "/api/v1/photos/"

PhotoId = Annotated[str, Path(max_length=100, description="photo-<serial>-<16 hex digits>")]


@router.post(
    "/{photo_id}",
    status_code=status.HTTP_201_CREATED,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                kind: {
                    "schema": {
                        "type": "string",
                        "format": "binary",
                        "maxLength": PHOTO_BYTES_CEILING,
                    }
                }
                for kind in MEDIA_TYPES
            },
        }
    },
)
async def upload_photo(
    photo_id: PhotoId,
    request: Request,
    response: Response,
    fleet: FleetDep,
    robot: RobotLogin,
    content_type: Annotated[str | None, Header(max_length=200)] = None,
) -> EvidencePhotoPublic:
    """Upload a photo the robot took (the body is the JPEG or PNG); its SHA-256 goes into the
    logbook. The same photo sent again answers 200 (robots: their own photos)."""
    body = await request.body()
    photo, created = await fleet.photos.accept(photo_id, robot, content_type, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return EvidencePhotoPublic.of(photo)


@router.get("")
async def list_photos(
    fleet: FleetDep,
    _: FleetReader,
    incident: Id | None = None,
    mission: Id | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[EvidencePhotoPublic]:
    """Photos received, newest first, of an incident or a mission (roles: admin, operator,
    viewer, auditor)."""
    photos = fleet.photos.find(incident_id=incident, mission_id=mission, limit=limit)
    return [EvidencePhotoPublic.of(p) for p in photos]


@router.get("/{photo_id}/record")
async def photo_record(photo_id: PhotoId, fleet: FleetDep, _: FleetReader) -> EvidencePhotoPublic:
    """Who took a photo, when it arrived, its size and SHA-256 (roles: admin, operator, viewer,
    auditor)."""
    return EvidencePhotoPublic.of(fleet.photos.get(photo_id))


@router.get(
    "/{photo_id}",
    response_class=FileResponse,
    responses={200: {"content": {kind: {} for kind in MEDIA_TYPES}}},
)
async def get_photo(photo_id: PhotoId, fleet: FleetDep, _: FleetReader) -> FileResponse:
    """The photo itself, as the robot sent it (roles: admin, operator, viewer, auditor)."""
    photo = fleet.photos.get(photo_id)
    path = fleet.photos.path(photo)
    return FileResponse(
        path,
        media_type=photo.media_type,
        content_disposition_type="inline",
        filename=f"{photo.photo_id}{path.suffix}",
    )
