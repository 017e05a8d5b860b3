"""The server's words: every phrase it can say (a reason, a result, a refusal, a logbook entry) has
one code, and the console has that code's words in Chinese and English with the same parameters."""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import fleet_server
from fleet_server.errors import Conflict, FleetError, _fleet_error
from fleet_server.texts import Phrase, Text

JS = Path(fleet_server.__file__).parent / "console" / "assets" / "js"
PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}")
# Modules that start things when imported (the entry points) hold no phrases.
SKIP = {"fleet_server.__main__"}


def _phrases() -> dict[str, list[Phrase]]:
    """Every Phrase a fleet_server module defines at its top level, by code."""
    found: dict[str, list[Phrase]] = {}
    for info in pkgutil.walk_packages(fleet_server.__path__, "fleet_server."):
        if info.name in SKIP or ".migrations." in info.name:
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Phrase) and value not in found.get(value.code, []):
                found.setdefault(value.code, []).append(value)
    return found


def _console_words() -> dict[str, dict[str, str]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to read the console's dictionaries (.ci/run installs it)")
    script = (
        f'import("{(JS / "messages.js").as_uri()}")'
        ".then((m) => process.stdout.write(JSON.stringify(m.messages)))"
    )
    out = subprocess.run(
        [node, "--experimental-default-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    words: dict[str, dict[str, str]] = json.loads(out.stdout)
    return words


def test_every_code_names_one_phrase() -> None:
    doubled = {code: [p.english for p in ps] for code, ps in _phrases().items() if len(ps) > 1}
    assert not doubled, f"one code, several sentences: {doubled}"


def test_every_phrase_has_words_in_both_languages_with_its_parameters() -> None:
    words = _console_words()
    problems = []
    for code, (phrase,) in sorted(_phrases().items()):
        wanted = set(PLACEHOLDER.findall(phrase.english))
        for language in ("zh", "en"):
            said = words[language].get(code)
            if said is None:
                problems.append(f"{language}: no words for {code} ({phrase.english!r})")
            elif not set(PLACEHOLDER.findall(said)) <= wanted:
                problems.append(f"{language}: {code} uses parameters the server does not send")
    assert not problems, "\n".join(problems)


def test_a_text_is_sent_as_its_code_parameters_and_english_nested_ones_too() -> None:
    lost = Phrase("test.lost", "robot {robot} went offline ({why})")
    requeued = Phrase("test.requeued", "{lost}; resumes where it stopped")
    text = requeued.of(lost=lost.of(robot="dog-01", why="no state for 30 s"))
    assert text.message == "robot dog-01 went offline (no state for 30 s); resumes where it stopped"
    assert text.wire() == {
        "code": "test.requeued",
        "params": {
            "lost": {
                "code": "test.lost",
                "params": {"robot": "dog-01", "why": "no state for 30 s"},
                "message": "robot dog-01 went offline (no state for 30 s)",
            }
        },
        "message": "robot dog-01 went offline (no state for 30 s); resumes where it stopped",
    }


def test_an_error_raised_with_a_text_carries_its_code_and_parameters() -> None:
    taken = Phrase("test.taken", "robot {robot} is busy with mission {mission}")
    error: FleetError = Conflict(taken.of(robot="dog-01", mission=7))
    assert (error.message, error.code) == ("robot dog-01 is busy with mission 7", "test.taken")
    assert error.params == {"robot": "dog-01", "mission": 7}


def test_a_stored_sentence_is_said_again_unchanged() -> None:
    said = Phrase("test.waits", "waiting for {dock} {{free}}").of(dock="dock-1")
    again = Text.stored(said.code, said.wire_params(), said.message)
    assert again.wire() == said.wire()
    assert Text.stored(None, None, "an old {reason}").wire() == {
        "code": "",
        "params": {},
        "message": "an old {reason}",
    }


def test_a_refusal_with_a_sentence_inside_sends_it_as_json() -> None:
    """The JSON body of a refusal keeps lists and nested sentences as JSON (not as their Python
    text)."""
    inner = Phrase("test.inner", "robot {robot}").of(robot="dog-01")
    outer = Phrase("test.outer", "{who} lacks {actions}").of(who=inner, actions=["announce"])
    response = asyncio.run(_fleet_error(None, Conflict(outer)))  # type: ignore[arg-type]
    assert response.status_code == 409
    body = json.loads(bytes(response.body))
    assert body["detail"] == "robot dog-01 lacks announce"
    assert body["params"] == {
        "who": {"code": "test.inner", "params": {"robot": "dog-01"}, "message": "robot dog-01"},
        "actions": ["announce"],
    }


CUSTOM_ERROR = re.compile(r'PydanticCustomError\(\s*"(\w+)"')


def test_every_refusal_of_a_field_of_our_own_has_words_in_both_languages() -> None:
    """A field's own check (PydanticCustomError) reaches the console as validation.<type>."""
    root = Path(fleet_server.__file__).parent
    types = {
        found
        for path in root.rglob("*.py")
        for found in CUSTOM_ERROR.findall(path.read_text(encoding="utf-8"))
    }
    assert {"local_time", "route_too_short", "control_character"} <= types
    words = _console_words()
    missing = [
        f"{language}: validation.{kind}"
        for kind in sorted(types)
        for language in ("zh", "en")
        if f"validation.{kind}" not in words[language]
    ]
    assert not missing, missing
