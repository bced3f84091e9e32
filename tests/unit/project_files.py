"""Writing small projects for loader tests: declaration files and a configuration."""

from __future__ import annotations

from pathlib import Path

from reconciler.config import Config, ConfigFile, DeclarationSettings


def write(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (name -> text) under ``root/campaigns``."""
    for name, content in files.items():
        path = root / "campaigns" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def config(root: Path, languages: list[str] | None = None) -> Config:
    """The project at ``root`` with extra TTS ``languages`` configured."""
    settings = DeclarationSettings(languages=languages or [])
    return Config(root=root, file=ConfigFile(declarations=settings))
