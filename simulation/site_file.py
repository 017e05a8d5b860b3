"""Loading a site YAML file into a validated fleet_protocol Site, with errors naming the file."""

from __future__ import annotations

from pathlib import Path

import yaml

from fleet_protocol.site import Site, SiteError, site_from_mapping


def load_site(path: str | Path) -> Site:
    """Read and validate the site in a YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SiteError(f"site file {path}: cannot read it ({error.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SiteError(f"site file {path}: not valid YAML: {error}") from None
    return site_from_mapping(data, str(path))
