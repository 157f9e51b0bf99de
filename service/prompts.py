"""Prompt templates as files with named variables, loaded and checked once at start-up."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from index.errors import BluebookError

REQUIRED_VARIABLES = {
    "answer": {"passages", "question", "answer_language", "not_found"},
    "condense": {"history", "question"},
}


class PromptError(BluebookError):
    """A prompt file is missing, or its variables are not the ones the code fills."""


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    text: str
    variables: frozenset[str]

    def render(self, **values: str) -> str:
        missing = self.variables - values.keys()
        if missing:
            raise PromptError(f"prompt {self.name!r} needs {', '.join(sorted(missing))}")
        return self.text.format(**{k: v for k, v in values.items() if k in self.variables})


def template_variables(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def load_prompts(folder: Path) -> dict[str, PromptTemplate]:
    """Read every required prompt from `folder` and check its variables."""
    prompts = {}
    for name, required in REQUIRED_VARIABLES.items():
        path = folder / f"{name}.txt"
        if not path.is_file():
            raise PromptError(f"prompt file {path} is missing (BLUEBOOK_PROMPTS_DIR={folder})")
        text = path.read_text(encoding="utf-8")
        try:
            found = template_variables(text)
        except ValueError as exc:
            raise PromptError(f"prompt file {path} is not a valid template: {exc}") from exc
        if found != required:
            problems = []
            if required - found:
                problems.append(f"lacks {', '.join(sorted(required - found))}")
            if found - required:
                problems.append(f"uses unknown {', '.join(sorted(found - required))}")
            raise PromptError(f"prompt file {path} {' and '.join(problems)}")
        prompts[name] = PromptTemplate(name, text, frozenset(found))
    return prompts
