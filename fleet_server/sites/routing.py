"""Shortest routes on a site's node graph (Dijkstra over metres, one-way edges respected)."""

from __future__ import annotations

import heapq
import itertools
import math

from fleet_protocol.site import Site
from fleet_server.sites.texts import NO_NODE, NO_ROUTE
from fleet_server.texts import Text

# Points whose nearest node is remembered (about a robot each in a fleet of thousands).
NEAREST_CACHE_SIZE = 10_000


class NoRoute(ValueError):
    """There is no way from one node to another; `text` says why, for the console to word."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.message)
        self.text = text


class RouteGraph:
    """A site's directed graph with edge lengths in metres."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._positions = {n.id: (n.x, n.y) for n in site.nodes}
        self._out: dict[str, list[tuple[str, float]]] = {n: [] for n in self._positions}
        self._in: dict[str, list[tuple[str, float]]] = {n: [] for n in self._positions}
        self._nearest: dict[tuple[float, float], tuple[str, float]] = {}
        for edge in site.edges:
            length = self.distance(edge.start, edge.end)
            self._link(edge.start, edge.end, length)
            if not edge.oneway:
                self._link(edge.end, edge.start, length)

    def _link(self, start: str, end: str, length: float) -> None:
        self._out[start].append((end, length))
        self._in[end].append((start, length))

    def nearest(self, x: float, y: float) -> tuple[str, float]:
        """The node closest to a point and how far it is; kept for points asked about before,
        since idle robots (the usual candidates for a mission) stand still."""
        found = self._nearest.get((x, y))
        if found is None:
            node = self.site.nearest_node(x, y)
            found = (node.id, math.hypot(node.x - x, node.y - y))
            if len(self._nearest) >= NEAREST_CACHE_SIZE:
                self._nearest.clear()
            self._nearest[(x, y)] = found
        return found

    def distance(self, a: str, b: str) -> float:
        """Straight-line distance between two nodes."""
        (ax, ay), (bx, by) = self._positions[a], self._positions[b]
        return math.hypot(bx - ax, by - ay)

    def shortest_path(self, start: str, goal: str) -> tuple[list[str], float]:
        """The node ids from start to goal inclusive, and the length; NoRoute if unreachable."""
        for node in (start, goal):
            if node not in self._out:
                raise NoRoute(NO_NODE.of(site=self.site.id, node=node))
        best, previous = _dijkstra(start, self._out, goal)
        if goal not in best:
            raise NoRoute(NO_ROUTE.of(start=start, goal=goal, site=self.site.id))
        path = [goal]
        while path[-1] != start:
            path.append(previous[path[-1]])
        return path[::-1], best[goal]

    def distances_to(self, goal: str) -> dict[str, float]:
        """Route length from every node that can reach `goal` (one search over reversed edges)."""
        if goal not in self._in:
            raise NoRoute(NO_NODE.of(site=self.site.id, node=goal))
        best, _ = _dijkstra(goal, self._in)
        return best

    def path_through(self, waypoints: list[str]) -> tuple[list[str], float]:
        """The shortest path visiting the waypoints in order, and its length."""
        path = [waypoints[0]]
        total = 0.0
        for a, b in itertools.pairwise(waypoints):
            leg, length = self.shortest_path(a, b)
            path.extend(leg[1:])
            total += length
        return path, total


def _dijkstra(
    source: str, links: dict[str, list[tuple[str, float]]], stop: str | None = None
) -> tuple[dict[str, float], dict[str, str]]:
    """Shortest lengths from `source` over `links` (and each node's predecessor), searching
    everything or until `stop` is settled."""
    best: dict[str, float] = {source: 0.0}
    previous: dict[str, str] = {}
    queue: list[tuple[float, str]] = [(0.0, source)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == stop:
            break
        if cost > best[node]:
            continue
        for nxt, length in links[node]:
            candidate = cost + length
            if candidate < best.get(nxt, math.inf):
                best[nxt] = candidate
                previous[nxt] = node
                heapq.heappush(queue, (candidate, nxt))
    return best, previous
