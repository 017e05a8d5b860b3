"""Evidence photos end to end: `fleet serve`, Mosquitto and `fleet-sim` dogs that log in as
themselves. A dog answers an incident, its photo reaches the server with its SHA-256 in the
logbook, and the upload refuses other robots' photos, wrong types, large bodies and strangers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.broker import MosquittoBroker
from tests.robot_agent.png_reader import read_png
from tests.system import System, register_sim_robots
from tests.waiting import wait_until

PHOTO_LIMIT = 64 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _credentials(path: Path) -> dict[str, str]:
    return dict(line.split() for line in path.read_text().splitlines())


@pytest.fixture
def dogs(
    broker: MosquittoBroker, database_url: str, tmp_path: Path
) -> Iterator[tuple[System, dict[str, str]]]:
    """The server (photos up to PHOTO_LIMIT bytes) and two dogs with their broker logins."""
    credentials = register_sim_robots(database_url, tmp_path, 2, "patrol_dog")
    system = System(
        broker.url,
        database_url,
        tmp_path,
        server_env={"FLEET_PHOTO_MAX_BYTES": str(PHOTO_LIMIT)},
    )
    try:
        system.start_fleet(2, "patrol_dog", speed_factor=50, credentials=credentials)
        wait_until(
            lambda: all(system.robot(d).get("position") for d in ("dog-01", "dog-02")),
            what="both dogs online",
        )
        yield system, _credentials(credentials)
    finally:
        system.stop()


def _upload(
    system: System, photo_id: str, body: bytes, login: tuple[str, str] | None, kind: str
) -> httpx.Response:
    return httpx.post(
        f"{system.base_url}/api/v1/photos/{photo_id}",
        content=body,
        headers={"Content-Type": kind},
        auth=login,
        timeout=10,
    )


def _answered(system: System) -> dict[str, Any]:
    report = {
        "type": "street_vending",
        "site": "longgang-demo",
        "source": "camera-0417",
        "node": "street-s2",
    }
    created = system.api.post("/incidents", json=report)
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    return dict(
        wait_until(
            lambda: (
                (i := system.api.get(f"/incidents/{incident_id}").json())["status"]
                in ("awaiting_confirmation", "resolved", "escalated")
                and i
            ),
            timeout=90,
            what="the dog to answer the incident",
        )
    )


def test_a_dogs_photo_arrives_with_its_hash_in_the_logbook_and_strangers_are_refused(
    dogs: tuple[System, dict[str, str]], tmp_path: Path
) -> None:
    system, passwords = dogs
    incident = _answered(system)
    assert incident["status"] == "awaiting_confirmation", incident["reason"]
    (photo_id,) = incident["evidence"]
    robot = incident["robot"]
    other = next(d for d in passwords if d != robot)

    record = wait_until(
        lambda: (r := system.api.get(f"/photos/{photo_id}/record")).status_code == 200 and r.json(),
        what="the photo to arrive",
    )
    image = system.api.get(f"/photos/{photo_id}")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.headers["x-content-type-options"] == "nosniff"
    width, height, _, _ = read_png(image.content)
    assert (width, height) == (320, 180)
    digest = hashlib.sha256(image.content).hexdigest()
    assert record["sha256"] == digest and record["robot"] == robot
    assert (
        record["incident_id"] == incident["id"] and record["mission_id"] == incident["mission_id"]
    )
    # The file the server keeps, under a name it made, is the one whose hash the logbook holds.
    (stored,) = (tmp_path / "data" / "photos").iterdir()
    assert stored.suffix == ".png" and photo_id not in stored.name
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    entries = system.api.get("/logbook", params={"incident": incident["id"], "kind": "photo"})
    (entry,) = entries.json()
    assert entry["details"]["sha256"] == digest and entry["robot"] == robot
    assert system.api.get("/logbook/verify").json()["ok"]
    listed = system.api.get("/photos", params={"incident": incident["id"]}).json()
    assert [p["photo_id"] for p in listed] == [photo_id]

    own, theirs = (robot, passwords[robot]), (other, passwords[other])
    # The same photo sent again (an answer lost on the way) is taken once; other bytes are not.
    again = _upload(system, photo_id, image.content, own, "image/png")
    assert again.status_code == 200 and again.json()["sha256"] == digest
    changed = _upload(system, photo_id, image.content + b"\x00", own, "image/png")
    assert changed.status_code == 409 and "never replaced" in changed.json()["detail"]

    # Another robot may not upload this dog's photos, even with its own valid login.
    forged = _upload(system, f"photo-{robot}-00112233445566ff", image.content, theirs, "image/png")
    assert forged.status_code == 403
    assert forged.json()["detail"] == (
        f"robot {other} may upload only its own photos; photo-{robot}-00112233445566ff is {robot}'s"
    )
    # The console words it by its code and parameters.
    assert (forged.json()["code"], forged.json()["params"]) == (
        "photo.not_own",
        {"robot": other, "photo": f"photo-{robot}-00112233445566ff", "owner": robot},
    )
    fresh = f"photo-{robot}-0123456789abcdef"
    anonymous = _upload(system, fresh, image.content, None, "image/png")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Basic"
    wrong = _upload(system, fresh, image.content, (robot, "not-its-password"), "image/png")
    assert wrong.status_code == 401
    assert (wrong.json()["code"], wrong.json()["params"]) == ("broker.robot_login_refused", {})
    # People's credentials are not a robot's login either.
    person = httpx.post(
        f"{system.base_url}/api/v1/photos/{fresh}",
        content=image.content,
        headers={"Content-Type": "image/png", **system.api.headers},
        timeout=10,
    )
    assert person.status_code == 401

    text = _upload(system, fresh, b"hello", own, "text/plain")
    assert text.status_code == 415
    assert text.json() == {
        "detail": "Content-Type must be image/jpeg or image/png, not text/plain",
        "field": "Content-Type",
        "code": "photo.media_type",
        "params": {"allowed": "image/jpeg or image/png", "declared": "text/plain"},
    }
    jpeg_said = _upload(system, fresh, image.content, own, "image/jpeg")
    assert jpeg_said.status_code == 422 and jpeg_said.json()["field"] == "body"
    assert "a image/png image, not the image/jpeg" in jpeg_said.json()["detail"]
    large = _upload(system, fresh, PNG_SIGNATURE + bytes(PHOTO_LIMIT), own, "image/png")
    assert large.status_code == 413
    assert large.json()["detail"] == (
        f"the photo has {PHOTO_LIMIT + 8} bytes; at most {PHOTO_LIMIT} are taken"
    )
    huge = _upload(system, fresh, PNG_SIGNATURE + bytes(2 * 1024 * 1024), own, "image/png")
    assert huge.status_code == 413 and "request body too large" in huge.json()["detail"]
    assert huge.json()["code"] == "request.body_too_large"
    # Nothing refused was kept.
    assert system.api.get(f"/photos/{fresh}").status_code == 404
    assert len(list((tmp_path / "data" / "photos").iterdir())) == 1
