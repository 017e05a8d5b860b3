"""Every action the audit log records ("claim.file", "voucher.issue") has a name in the console's
Chinese and English, and so has every kind of record it names."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType

import fleet_server.vouchers
from tests.fleet_server.test_texts import _console_words

VOUCHERS = Path(fleet_server.vouchers.__file__).parent


def _values(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {str(getattr(v, "value", v)) for v in value.values()}
    return set()


def _strings(node: ast.expr, tree: ast.Module, module: ModuleType) -> set[str]:
    """The strings an argument can be: a literal; a name the module holds (a constant, or a dict
    of them); a local set from such a dict (`verb = CLOSE_VERBS[...]`); or `self.entity`, the
    attribute of the module's classes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    found: set[str] = set()
    if isinstance(node, ast.Name):
        found = _values(getattr(module, node.id, None))
        for assigned in ast.walk(tree):
            if (
                isinstance(assigned, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == node.id for t in assigned.targets)
                and isinstance(assigned.value, ast.Subscript)
            ):
                found |= _strings(assigned.value.value, tree, module)
    elif isinstance(node, ast.Attribute):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                found |= _values(vars(value).get(node.attr))
    assert found, f"cannot tell what {ast.unparse(node)} is in {module.__name__}: teach this test"
    return found


def _audit_actions() -> set[tuple[str, str]]:
    """(entity, verb) of every `store.log(session, actor, entity, verb, ...)` in the vouchers."""
    actions: set[tuple[str, str]] = set()
    for path in sorted(VOUCHERS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = ".".join(path.relative_to(VOUCHERS.parent.parent).with_suffix("").parts)
        for call in ast.walk(tree):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "log"
                and len(call.args) == 7
            ):
                continue
            module = importlib.import_module(name)
            entities = _strings(call.args[2], tree, module)
            verbs = _strings(call.args[3], tree, module)
            actions |= {(e, v) for e in entities for v in verbs}
    return actions


def test_every_audit_action_and_record_has_a_name_in_both_languages() -> None:
    actions = _audit_actions()
    assert ("claim", "file") in actions and ("clawback", "recover") in actions
    assert ("enterprise", "create") in actions  # the parties' entity is a class attribute
    words = _console_words()
    missing = [
        f"{language}: {key}"
        for language in ("zh", "en")
        for entity, verb in sorted(actions)
        for key in (f"auditAction.{entity}.{verb}", f"auditEntity.{entity}")
        if key not in words[language]
    ]
    assert not missing, "\n".join(missing)
