"""The answer sweep's grid values are parsed by the type of the AnswerParams field they set."""

from __future__ import annotations

import pytest

from bench.answer_sweep import parse_value


def test_grid_values_are_read_as_the_field_s_type() -> None:
    assert parse_value("place_role", "false") is False
    assert parse_value("place_role", "True") is True
    assert parse_value("passages", "4") == 4
    assert parse_value("typed_margin", "0.06") == 0.06
    assert parse_value("strict_types", "person+place") == frozenset({"person", "place"})


def test_a_switch_given_something_else_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="place_role is a switch"):
        parse_value("place_role", "maybe")
