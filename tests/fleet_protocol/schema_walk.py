"""Walk a pydantic model and an official schema side by side to compare their fields."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from tests.vda_schemas import load_schema


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _nested_model(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _resolve(target, root)
    if node.get("type") == "array" and "items" in node:
        return _resolve(node["items"], root)
    return node


def _walk(
    model: type[BaseModel],
    node: dict[str, Any],
    root: dict[str, Any],
    path: str,
    out: dict[str, list[str]],
) -> None:
    node = _resolve(node, root)
    properties: dict[str, Any] = node.get("properties", {})
    required = set(node.get("required", []))
    fields = {(info.alias or name): info for name, info in model.model_fields.items()}
    if model.model_config.get("extra") != "allow":
        out["unmodelled"] += [f"{path}.{key}" for key in properties if key not in fields]
    for key, info in fields.items():
        if key in required and not info.is_required() and info.get_default() is None:
            out["omittable"].append(f"{path}.{key}")
        nested = _nested_model(info.annotation)
        if nested is not None and key in properties:
            _walk(nested, properties[key], root, f"{path}.{key}", out)


def compare(model: type[BaseModel], subtopic: str) -> dict[str, list[str]]:
    """Schema properties our model would reject ('unmodelled') and required keys it may omit."""
    schema = load_schema(subtopic)
    out: dict[str, list[str]] = {"unmodelled": [], "omittable": []}
    _walk(model, schema, schema, subtopic, out)
    return out
