"""Free text typed by officers, cleaned like the intake's: NFC, stripped, no control or
bidirectional-override characters (a ``‮`` can disguise ``hoa-don‮fdp.exe`` as a PDF)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from chalicelib.domain.identifiers import clean_text, control_characters


def _line(value: str) -> str:
    if control_characters(value):
        raise ValueError("contains control characters")
    return clean_text(value)


def _text(value: str) -> str:
    if control_characters(value, multiline=True):
        raise ValueError("contains control characters")
    return clean_text(value, multiline=True)


Line = Annotated[str, AfterValidator(_line)]
Text = Annotated[str, AfterValidator(_text)]
