"""compose.yaml and deploy/nginx.conf describe the deployment the code expects; checked by reading them (no Docker
engine here): the replicas run the Dockerfile's image and command, share one Redis, and sit behind the proxy."""

from __future__ import annotations

import json
import re

import yaml

from service.config import PROJECT_ROOT, Settings


def read(name: str) -> str:
    return (PROJECT_ROOT / name).read_text(encoding="utf-8")


def dockerfile_command() -> list[str]:
    match = re.search(r"^CMD (\[.*\])$", read("Dockerfile"), flags=re.MULTILINE)
    assert match, "the Dockerfile has an exec-form CMD"
    return list(json.loads(match.group(1)))


def test_the_replicas_run_the_dockerfile_image_and_command_and_share_redis() -> None:
    compose = yaml.safe_load(read("compose.yaml"))
    services = compose["services"]
    replicas = {name: service for name, service in services.items() if name.startswith("api-")}
    assert len(replicas) == 2
    exposed = re.search(r"^EXPOSE (\d+)$", read("Dockerfile"), flags=re.MULTILINE)
    assert exposed
    for name, service in replicas.items():
        assert service["build"] == "." and service["command"] == dockerfile_command(), name
        assert f"--port {exposed.group(1)}" in " ".join(service["command"])
        environment = service["environment"]
        assert environment["BLUEBOOK_SESSION_URL"].startswith("redis://redis:"), name
        assert "ports" not in service, "replicas are reached through the proxy only"
        for variable in environment:
            field = variable.removeprefix("BLUEBOOK_").lower()
            assert field in Settings.model_fields, f"{variable} is not a setting"
        Settings(**{k.removeprefix("BLUEBOOK_").lower(): v for k, v in environment.items()})  # values parse
    assert "redis" in services and services["redis"]["image"].startswith("redis:")
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]["volumes"]


def test_the_proxy_reaches_both_replicas_streams_and_limits_bodies_like_the_service() -> None:
    nginx = read("deploy/nginx.conf")
    compose = yaml.safe_load(read("compose.yaml"))
    port = dockerfile_command()[-1]
    for name in (name for name in compose["services"] if name.startswith("api-")):
        assert re.search(rf"server {name}:{port}\b", nginx), name
    assert "proxy_buffering off;" in nginx  # SSE answers arrive as they are made
    assert "X-Forwarded-For" in nginx and "X-Request-ID" in nginx
    size = re.search(r"client_max_body_size (\d+)m;", nginx)
    assert size and int(size.group(1)) * 1024 * 1024 == Settings.model_fields["max_body_bytes"].default


def test_the_readme_documents_the_deployment() -> None:
    readme = read("README.md")
    assert "docker compose up" in readme and "compose.yaml" in readme and "bluebook-qa keys create" in readme
