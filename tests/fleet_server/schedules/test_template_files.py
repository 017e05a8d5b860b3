"""Template files: names and descriptions in each language are read and checked, and a bad one
is refused naming the file and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from fleet_server.schedules.templates import TemplateFileError, read_template_file

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "missions" / "templates"
PATROL = {"kind": "patrol", "site": "square", "route": ["A", "B"]}


def _file(tmp_path: Path, **fields: Any) -> Path:
    path = tmp_path / "loop.yaml"
    data = {"id": "loop", "name": "环线", "mission": PATROL} | fields
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_names_and_descriptions_in_each_language_are_read(tmp_path: Path) -> None:
    template = read_template_file(
        _file(tmp_path, names={"zh": "环线", "en": "Loop"}, descriptions={"en": "Once round."})
    )
    assert template.names == {"zh": "环线", "en": "Loop"}
    assert template.descriptions == {"en": "Once round."}


def test_a_file_without_names_is_still_valid(tmp_path: Path) -> None:
    template = read_template_file(_file(tmp_path))
    assert template.name == "环线" and template.names == {} and template.descriptions == {}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"names": {"fr": "Boucle"}}, "names.fr.[key]: Input should be 'en' or 'zh'"),
        ({"names": {"en": ""}}, "names.en: String should have at least 1 character"),
        ({"descriptions": {"zh": ""}}, "descriptions.zh: String should have at least 1 character"),
        ({"names": {"en": "x" * 201}}, "names.en: String should have at most 200 characters"),
        ({"names": ["Loop"]}, "names: Input should be a valid dictionary"),
    ],
)
def test_bad_names_are_refused_naming_the_file_and_field(
    tmp_path: Path, fields: dict[str, Any], problem: str
) -> None:
    with pytest.raises(TemplateFileError) as caught:
        read_template_file(_file(tmp_path, **fields))
    assert str(caught.value).startswith(f"template file {tmp_path / 'loop.yaml'}: ")
    assert problem in str(caught.value)


@pytest.mark.parametrize("path", sorted(TEMPLATES_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_templates_are_named_and_described_in_chinese_and_english(path: Path) -> None:
    template = read_template_file(path)
    assert set(template.names) == {"zh", "en"}
    assert set(template.descriptions) == {"zh", "en"}
    assert template.name == template.names["zh"]
    assert template.description == template.descriptions["zh"]
