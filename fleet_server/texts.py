"""What the server says to people, as codes with parameters: the console words each code in the
user's language, and the API keeps the English sentence beside it for integrators.

A `Phrase` is one kind of sentence: its code and its English template. `Phrase.of(...)` fills it
in as a `Text`. A parameter may itself be a `Text` (a mission's reason inside an incident's), and
is then sent as its own code, parameters and message, to be worded the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Phrase:
    """A kind of sentence: `code` (the console's key) and its English template, whose {names}
    are the parameters."""

    code: str
    english: str

    def of(self, **params: Any) -> Text:
        """This sentence with its parameters filled in."""
        return Text(self, params)


@dataclass(frozen=True)
class Text:
    """A sentence the server says: a phrase and its parameters."""

    phrase: Phrase
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        """The code the console looks the sentence up by."""
        return self.phrase.code

    @property
    def message(self) -> str:
        """The sentence in English."""
        words = {k: _english(v) for k, v in self.params.items()}
        return self.phrase.english.format(**words)

    def wire_params(self) -> dict[str, Any]:
        """The parameters as JSON: a nested text as its code, parameters and message."""
        return {k: _wire(v) for k, v in self.params.items()}

    def wire(self) -> dict[str, Any]:
        """The text as JSON: {code, params, message}."""
        return {"code": self.code, "params": self.wire_params(), "message": self.message}

    def __str__(self) -> str:
        return self.message

    @classmethod
    def kept(cls, value: str | dict[str, Any]) -> Text:
        """A sentence kept in JSON by `wire()` (or, written before codes, its English alone)."""
        if isinstance(value, str):
            return cls.stored(None, None, value)
        return cls.stored(value.get("code"), value.get("params"), str(value.get("message", "")))

    @classmethod
    def stored(cls, code: str | None, params: dict[str, Any] | None, message: str) -> Text:
        """A sentence kept as its code, JSON parameters and English (a mission's reason read
        back), to be said again or inside another; without a code, the English alone."""
        kept = Phrase(code or "", message.replace("{", "{{").replace("}", "}}"))
        return cls(kept, dict(params or {}) if code else {})


def _english(value: Any) -> Any:
    """A parameter as the English sentence shows it: a nested sentence's words, a list joined."""
    if isinstance(value, Text):
        return value.message
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_english(v)) for v in value)
    return value


def _wire(value: Any) -> Any:
    if isinstance(value, Text):
        return value.wire()
    if isinstance(value, (list, tuple)):
        return [_wire(v) for v in value]
    return value



def figure(value: float, digits: int = 0) -> int | float:
    """A figure as a sentence shows it: rounded to `digits`, and whole numbers as integers (so
    30.0 s reads "30 s" in English and in the console alike)."""
    rounded = round(float(value), digits)
    return int(rounded) if rounded == int(rounded) else rounded


def columns(text: Text | None) -> tuple[str | None, str | None, dict[str, Any]]:
    """A sentence as the three columns a row keeps it in: English, code, JSON parameters."""
    if text is None:
        return None, None, {}
    return text.message, text.code, text.wire_params()
