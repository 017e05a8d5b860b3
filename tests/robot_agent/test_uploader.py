"""Photos go to the server behind the robot's back: the order finishes while the server is down,
and the photo arrives, as the robot, once the server answers."""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fleet_protocol.topics import Subtopic
from robot_agent.png import encode_png
from robot_agent.uploader import PhotoUploader
from tests.broker import MosquittoBroker
from tests.robot_agent.messages import action, order, payload
from tests.robot_agent.png_reader import read_png
from tests.robot_agent.test_agent import LINE, connection, running_agent, send
from tests.waiting import async_wait_until
from tests.wire import WireRecorder, match


@dataclass
class PhotoServer:
    """An HTTP server taking photo uploads: 503 until `up`, then 201; it keeps what it took."""

    port: int = 0
    up: bool = False
    refused: int = 0
    # The answer while not up: 503 (try again) or, say, 403 (never).
    down_status: int = 503
    photos: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)


@pytest.fixture
def photo_server() -> Iterator[PhotoServer]:
    state = PhotoServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if not state.up:
                state.refused += 1
                self.send_response(state.down_status)
                self.end_headers()
                return
            login = base64.b64decode(self.headers["Authorization"].removeprefix("Basic "))
            photo_id = self.path.rsplit("/", 1)[-1]
            state.photos[photo_id] = (login.decode(), self.headers["Content-Type"], body)
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    thread.join()


async def test_a_photo_is_uploaded_as_the_robot_once_the_server_answers(
    broker: MosquittoBroker, wire: WireRecorder, photo_server: PhotoServer
) -> None:
    serial = "dog-upload"
    async with running_agent(
        broker,
        serial,
        mqtt_username=serial,
        mqtt_password="its-broker-password",
        server_url=f"http://127.0.0.1:{photo_server.port}/",
    ) as agent:
        assert agent.uploader is not None
        agent.uploader._retry_min = 0.05  # the test does not wait for a real backoff
        await wire.async_wait_for(connection(serial, "ONLINE"))
        body = order(
            "o1", LINE, serial_number=serial, node_actions={"B": [action("capturePhoto", "p1")]}
        )
        await send(broker, serial, Subtopic.ORDER, payload(body))
        done = await wire.async_wait_for(
            match(
                Subtopic.STATE,
                serial_number=serial,
                where=lambda s: (
                    not s["nodeStates"]
                    and any(a["actionStatus"] == "FINISHED" for a in s["actionStates"])
                ),
            )
        )
        photo_id = next(a for a in done.json()["actionStates"] if a["actionId"] == "p1")[
            "resultDescription"
        ]
        # The order ended while the server refused the upload; the photo still waits.
        await async_wait_until(lambda: photo_server.refused >= 2, what="two refused attempts")
        assert photo_id not in photo_server.photos and agent.uploader.pending == 1
        photo_server.up = True
        await async_wait_until(lambda: photo_id in photo_server.photos, what="the upload")
    login, content_type, image = photo_server.photos[photo_id]
    assert login == f"{serial}:its-broker-password" and content_type == "image/png"
    width, height, channels, _ = read_png(image)
    assert (width, height, channels) == (320, 180, 3)


async def test_without_a_login_no_uploader_is_made(broker: MosquittoBroker) -> None:
    async with running_agent(broker, "dog-nologin", server_url="http://127.0.0.1:9") as agent:
        assert agent.uploader is None


async def test_a_photo_the_server_refuses_for_good_is_dropped_not_retried(
    photo_server: PhotoServer,
) -> None:
    photo_server.down_status = 403
    uploader = PhotoUploader(
        f"http://127.0.0.1:{photo_server.port}", "dog-x", "pw", retry_min=0.01, retry_max=0.02
    )
    uploader.submit("photo-dog-x-0123456789abcdef", encode_png(1, 1, [b"\x00\x00\x00"]))
    uploader.submit("photo-dog-x-fedcba9876543210", b"not an image")  # never queued
    assert uploader.pending == 1
    task = asyncio.create_task(uploader.run())
    try:
        await async_wait_until(lambda: uploader.pending == 0, what="the refused photo dropped")
        await asyncio.sleep(0.1)
    finally:
        task.cancel()
    assert photo_server.refused == 1 and uploader.uploaded == []
