"""The site registry: site maps loaded and validated from missions/sites/*.yaml."""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

from fleet_protocol.site import Site, SiteError, site_from_mapping
from fleet_server.errors import NotFound
from fleet_server.sites.routing import RouteGraph
from fleet_server.sites.texts import SITE_NOT_FOUND

log = logging.getLogger(__name__)


def load_site_file(path: Path) -> Site:
    """Parse and validate one site file; SiteError names the file and the bad element."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SiteError(f"site file {path}: cannot read YAML: {exc}") from None
    return site_from_mapping(data, str(path))


class SiteRegistry:
    """All sites the server knows, with a route graph for each."""

    def __init__(self, sites: list[Site]) -> None:
        self._sites: dict[str, Site] = {}
        self._graphs: dict[str, RouteGraph] = {}
        for site in sites:
            if site.id in self._sites:
                raise SiteError(f"site {site.id!r} is defined twice")
            self._sites[site.id] = site
            self._graphs[site.id] = RouteGraph(site)

    @classmethod
    def from_directory(cls, directory: Path) -> SiteRegistry:
        """Load every *.yaml site in a directory (none is fine: an empty registry)."""
        if not directory.is_dir():
            log.warning("sites directory %s does not exist; no sites loaded", directory)
            return cls([])
        sites = [load_site_file(p) for p in sorted(directory.glob("*.yaml"))]
        log.info("loaded %d site(s) from %s", len(sites), directory)
        return cls(sites)

    def all(self) -> list[Site]:
        """Every site, by id."""
        return [self._sites[k] for k in sorted(self._sites)]

    def get(self, site_id: str) -> Site:
        """The site with this id, or NotFound naming it."""
        try:
            return self._sites[site_id]
        except KeyError:
            raise NotFound(SITE_NOT_FOUND.of(site=site_id), field="site") from None

    def graph(self, site_id: str) -> RouteGraph:
        """The route graph of a site."""
        self.get(site_id)
        return self._graphs[site_id]
