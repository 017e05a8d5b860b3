"""Uploading evidence photos to the fleet server in the background, with retry and backoff.

The robot authenticates as itself (HTTP Basic with its MQTT login); a photo waits in memory
until the server has it, so a server or network outage delays the evidence but never the order.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import random
import ssl
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from urllib.parse import quote

from fleet_protocol.evidence import PHOTO_UPLOAD_PATH, media_type

log = logging.getLogger(__name__)

# Answers worth trying again: the server is busy, restarting or behind a proxy that is.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class PendingPhoto:
    """A photo waiting for upload."""

    evidence_id: str
    data: bytes
    media_type: str


class UploadRefused(Exception):
    """The server refused the photo for good (bad login, not this robot's, not an image)."""


class PhotoUploader:
    """Queues photos and uploads them one by one while `run()` runs; `submit` never blocks."""

    def __init__(
        self,
        server_url: str,
        username: str,
        password: str,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
        retry_min: float = 1.0,
        retry_max: float = 60.0,
        max_queued: int = 64,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._authorization = f"Basic {token}"
        self._ssl_context = ssl_context
        self._timeout = timeout
        self._retry_min = retry_min
        self._retry_max = retry_max
        self._queue: deque[PendingPhoto] = deque()
        self._max_queued = max_queued
        self._waiting = asyncio.Event()
        self.uploaded: list[str] = []  # ids the server has taken, oldest first (last 100)

    def submit(self, evidence_id: str, data: bytes) -> None:
        """Queue a photo for upload; a photo that is not JPEG or PNG is logged and dropped, and
        a full queue drops its oldest photo."""
        kind = media_type(data)
        if kind is None:
            log.error("photo %s is neither JPEG nor PNG; not uploaded", evidence_id)
            return
        if len(self._queue) >= self._max_queued:
            dropped = self._queue.popleft()
            log.error("upload queue full: photo %s dropped", dropped.evidence_id)
        self._queue.append(PendingPhoto(evidence_id, data, kind))
        self._waiting.set()

    @property
    def pending(self) -> int:
        """Photos not yet uploaded."""
        return len(self._queue)

    async def run(self) -> None:
        """Upload queued photos until cancelled, waiting longer after each failure in a row."""
        delay = self._retry_min
        while True:
            if not self._queue:
                self._waiting.clear()
                await self._waiting.wait()
                continue
            photo = self._queue[0]
            try:
                await asyncio.to_thread(self._send, photo)
            except UploadRefused as exc:
                log.error("photo %s refused by the server: %s", photo.evidence_id, exc)
            except OSError as exc:  # URLError, timeouts, a retryable HTTP status
                log.warning(
                    "photo %s not uploaded (%s); retrying in %.0f s", photo.evidence_id, exc, delay
                )
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, self._retry_max)
                continue
            else:
                log.info("photo %s uploaded", photo.evidence_id)
                self.uploaded = [*self.uploaded[-99:], photo.evidence_id]
            delay = self._retry_min
            if self._queue and self._queue[0] is photo:
                self._queue.popleft()

    def _send(self, photo: PendingPhoto) -> None:
        """POST the photo; returns once the server has it, raises otherwise."""
        path = PHOTO_UPLOAD_PATH.format(photo_id=quote(photo.evidence_id, safe=""))
        request = urllib.request.Request(
            self.server_url + path,
            data=photo.data,
            method="POST",
            headers={"Authorization": self._authorization, "Content-Type": photo.media_type},
        )
        try:
            with urllib.request.urlopen(
                request, timeout=self._timeout, context=self._ssl_context
            ) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace")
            if exc.code in RETRY_STATUSES:
                raise OSError(f"HTTP {exc.code}: {detail}") from None
            raise UploadRefused(f"HTTP {exc.code}: {detail}") from None
