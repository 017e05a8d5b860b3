"""Loading site YAML files: the demo site loads; every kind of bad file is named in the error."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleet_protocol.site import SiteError
from simulation.site_file import load_site

DEMO = Path(__file__).resolve().parents[2] / "missions" / "sites" / "longgang-demo.yaml"


def test_loads_the_demo_site() -> None:
    site = load_site(DEMO)
    assert site.id == "longgang-demo"
    assert site.node("uc-a1").x == 950


def test_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(SiteError, match=r"nowhere\.yaml.*cannot read"):
        load_site(missing)


def test_bad_yaml_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nnodes: [unclosed\n")
    with pytest.raises(SiteError, match=r"broken\.yaml.*not valid YAML"):
        load_site(path)


def test_not_a_mapping_is_named(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(SiteError, match=r"list\.yaml.*mapping"):
        load_site(path)


def test_invalid_field_is_located(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text("id: s\nname: S\nnodes: [{id: a, x: 1, y: north}]\n")
    with pytest.raises(SiteError, match=r"site\.yaml: nodes\[0\]\.y"):
        load_site(path)


def test_unknown_node_in_edge_is_named(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text("id: s\nname: S\nnodes: [{id: a, x: 0, y: 0}]\nedges: [{start: a, end: b}]\n")
    with pytest.raises(SiteError, match=r"site\.yaml: edge a->b: unknown node 'b'"):
        load_site(path)
