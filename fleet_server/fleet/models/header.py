"""How far the server has reserved the header ids of its messages, per robot and topic."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class HeaderCounter(SQLModel, table=True):
    """The first header id not yet reserved on one robot's topic (order, instantActions)."""

    serial_number: str = Field(primary_key=True, max_length=64)
    subtopic: str = Field(primary_key=True, max_length=32)
    reserved: int = 0
