"""How long an announcement takes to speak, for drivers that cannot hear their speaker finish."""

from __future__ import annotations

# Synthesised speech runs at about 4 characters a second in Chinese and 14 in English, with a
# half-second pause after each saying.
CHARACTERS_PER_SECOND = {"zh": 4.0, "en": 14.0}
PAUSE_SECONDS = 0.5
LANGUAGES = tuple(CHARACTERS_PER_SECOND)


def speech_seconds(text: str, language: str) -> float:
    """Seconds to say `text` once in `language` (zh or en), the pause after it included."""
    return len(text) / CHARACTERS_PER_SECOND[language] + PAUSE_SECONDS
