"""The site map format (missions/sites/*.yaml): nodes, edges, docks, zones, timezone."""

from __future__ import annotations

import math
from collections import deque
from enum import Enum
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Point = tuple[float, float]

Language = Literal["en", "zh"]
"""A language the console speaks: names may be given in each."""
LANGUAGES: tuple[str, ...] = get_args(Language)
MAX_NAME = 200


def _names(value: dict[str, str]) -> dict[str, str]:
    for language, name in value.items():
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r} (use {' or '.join(LANGUAGES)})")
        if not name.strip():
            raise ValueError(f"the {language} name is empty")
        if len(name) > MAX_NAME:
            raise ValueError(f"the {language} name is longer than {MAX_NAME} characters")
    return value


LocalNames = Annotated[dict[str, str], AfterValidator(_names)]
"""A name in each language, `{en: ..., zh: ...}`; beside `name`, which is in the site's own."""


class SiteModel(BaseModel):
    """Base of the site format: snake_case keys as written in YAML, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteNode(SiteModel):
    """A named place on the map, in metres."""

    id: Identifier
    x: float
    y: float
    name: str | None = None
    names: LocalNames = Field(default_factory=dict)


class SiteEdge(SiteModel):
    """A drivable connection; both ways unless `oneway`."""

    start: Identifier
    end: Identifier
    oneway: bool = False
    max_speed: float | None = Field(default=None, gt=0)

    @property
    def id(self) -> str:
        """The edge's id: start and end node ids joined."""
        return f"{self.start}--{self.end}"


class Dock(SiteModel):
    """A docking station on a node, with its number of chargers."""

    id: Identifier
    node: Identifier
    chargers: int = Field(default=1, ge=1)
    name: str | None = None
    names: LocalNames = Field(default_factory=dict)


class ZoneKind(str, Enum):
    """What a zone is for."""

    CLEANING = "cleaning"
    GEOFENCE = "geofence"
    NO_GO = "no_go"
    AREA = "area"


class Zone(SiteModel):
    """A polygon on the map (outer ring; optional holes)."""

    id: Identifier
    kind: ZoneKind
    name: str | None = None
    names: LocalNames = Field(default_factory=dict)
    polygon: list[Point] = Field(min_length=3)
    holes: list[list[Point]] = Field(default_factory=list)

    @field_validator("holes")
    @classmethod
    def _holes_are_rings(cls, holes: list[list[Point]]) -> list[list[Point]]:
        for i, hole in enumerate(holes):
            if len(hole) < 3:
                raise ValueError(f"hole {i} needs at least 3 points")
        return holes


class Site(SiteModel):
    """A site: one map frame whose mapId is the site id."""

    id: Identifier
    name: str
    names: LocalNames = Field(default_factory=dict)
    timezone: str = "UTC"
    nodes: list[SiteNode] = Field(min_length=1)
    edges: list[SiteEdge] = Field(default_factory=list)
    docks: list[Dock] = Field(default_factory=list)
    zones: list[Zone] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {name!r}") from None
        return name

    @model_validator(mode="after")
    def _references(self) -> Site:
        """Every reference names something that exists; ids are unique; the graph is connected."""
        node_ids: set[str] = set()
        for node in self.nodes:
            if node.id in node_ids:
                raise ValueError(f"node {node.id!r} is defined twice")
            node_ids.add(node.id)
        seen_edges: set[tuple[str, str]] = set()
        for edge in self.edges:
            for end in (edge.start, edge.end):
                if end not in node_ids:
                    raise ValueError(f"edge {edge.start}->{edge.end}: unknown node {end!r}")
            if edge.start == edge.end:
                raise ValueError(f"edge {edge.start}->{edge.end} connects a node to itself")
            if (edge.start, edge.end) in seen_edges:
                raise ValueError(f"edge {edge.start}->{edge.end} is defined twice")
            seen_edges.add((edge.start, edge.end))
        self._unique("dock", [d.id for d in self.docks])
        for dock in self.docks:
            if dock.node not in node_ids:
                raise ValueError(f"dock {dock.id!r}: unknown node {dock.node!r}")
        self._unique("zone", [z.id for z in self.zones])
        unreachable = self._unreachable_from(self.nodes[0].id)
        if unreachable:
            raise ValueError(
                f"node {sorted(unreachable)[0]!r} is not connected to node {self.nodes[0].id!r}"
            )
        return self

    @staticmethod
    def _unique(what: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                raise ValueError(f"{what} {item!r} is defined twice")
            seen.add(item)

    def _unreachable_from(self, start: str) -> set[str]:
        neighbours: dict[str, set[str]] = {n.id: set() for n in self.nodes}
        for edge in self.edges:
            # Connectivity ignores direction: a one-way loop is still one site.
            neighbours[edge.start].add(edge.end)
            neighbours[edge.end].add(edge.start)
        reached = {start}
        queue = deque([start])
        while queue:
            for nxt in neighbours[queue.popleft()] - reached:
                reached.add(nxt)
                queue.append(nxt)
        return set(neighbours) - reached

    @property
    def map_id(self) -> str:
        """The VDA 5050 mapId of this site's map frame."""
        return self.id

    def node(self, node_id: str) -> SiteNode:
        """The node with this id; KeyError names it if there is none."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(f"site {self.id!r} has no node {node_id!r}")

    def node_ids(self) -> set[str]:
        """All node ids."""
        return {n.id for n in self.nodes}

    def dock_nodes(self) -> list[str]:
        """The nodes that have a dock."""
        return [d.node for d in self.docks]

    def edge_between(self, start: str, end: str) -> SiteEdge | None:
        """The edge that may be driven from start to end, if there is one."""
        for edge in self.edges:
            if (edge.start, edge.end) == (start, end):
                return edge
            if not edge.oneway and (edge.end, edge.start) == (start, end):
                return edge
        return None

    def zone(self, zone_id: str) -> Zone:
        """The zone with this id; KeyError names it if there is none."""
        for zone in self.zones:
            if zone.id == zone_id:
                return zone
        raise KeyError(f"site {self.id!r} has no zone {zone_id!r}")

    def nearest_node(self, x: float, y: float) -> SiteNode:
        """The node closest to a point."""
        return min(self.nodes, key=lambda n: math.hypot(n.x - x, n.y - y))


class SiteError(ValueError):
    """A site that cannot be used; the message names its source and the bad element."""


def site_from_mapping(data: object, source: str) -> Site:
    """Validate parsed site data (from YAML or JSON); SiteError names `source` and each problem."""
    if not isinstance(data, dict):
        raise SiteError(f"site file {source}: expected a mapping with id, name, nodes, ...")
    try:
        return Site.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(_describe(e, data) for e in error.errors())
        raise SiteError(f"site file {source}: {problems}") from None


def _describe(error: ErrorDetails, data: object) -> str:
    """One pydantic error as `where: what`, naming the element: nodes[3].x (node street-s2)."""
    where = ""
    element = ""
    for part in error["loc"]:
        if isinstance(part, int):
            kind = where.rpartition(".")[2].removesuffix("s")
            where += f"[{part}]"
            data = data[part] if isinstance(data, list) and part < len(data) else None
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                element = f" ({kind} {data['id']})"
        else:
            where += f".{part}" if where else str(part)
            data = data.get(part) if isinstance(data, dict) else None
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}{element}: {message}" if where else message
