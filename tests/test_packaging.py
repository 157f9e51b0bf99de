"""The Dockerfile, Makefile, CI script and README must describe the same install; checked by reading them."""

from __future__ import annotations

import re

from service.config import PROJECT_ROOT


def read(name: str) -> str:
    return (PROJECT_ROOT / name).read_text(encoding="utf-8")


def test_dockerfile_installs_like_the_makefile() -> None:
    dockerfile, makefile = read("Dockerfile"), read("Makefile")
    for text in (dockerfile, makefile):
        torch_install = re.search(r"pip install[^\n]*torch==2\.13\.0", text)
        assert torch_install, "torch must be pinned"
        assert re.search(r"pip install[^\n]*-e ", text[torch_install.end():]), "the project installs after torch"
    assert "bluebook-qa models" in dockerfile and "bluebook-qa index" in dockerfile
    assert re.search(r"CMD .*bluebook-qa.*serve", dockerfile)
    for path in re.findall(r"^COPY (\S+) ", dockerfile, flags=re.MULTILINE):
        for part in path.split():
            assert (PROJECT_ROOT / part).exists(), f"Dockerfile copies {part}, which is not in the repository"


def test_pyproject_pins_the_cpu_torch() -> None:
    assert '"torch==2.13.0"' in read("pyproject.toml")


def test_ci_runs_the_readme_test_command() -> None:
    readme, ci = read("README.md"), read(".ci/run")
    assert "make test" in readme and "make run" in readme
    assert re.search(r"^make test$", ci, flags=re.MULTILINE)
