"""``campaigns/defaults.yaml``: request fields every declaration inherits, checked on their own.

Its problems are findings like any declaration's. A bad key is left out of the defaults (the
others are kept), so one bad default does not turn into an error in every declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from reconciler.config import Config
from reconciler.load.document import translate
from reconciler.load.file_check import document_problem
from reconciler.load.findings import Finding, LoadError
from reconciler.load.locate import Locator, locate
from reconciler.load.paths import CAMPAIGNS, outside_link, target_outside
from reconciler.load.source import Document, SourceFile, read_yaml
from reconciler.models.declaration import TOOL_KEYS, Defaults, Issue

DEFAULTS_FILE = "defaults.yaml"


@dataclass
class LoadedDefaults:
    """The defaults to merge under each declaration, where they were written, what is wrong."""

    values: dict[str, Any] = field(default_factory=dict)
    #: The file, to locate a problem with a value a declaration took from it.
    locator: Locator | None = None
    findings: list[Finding] = field(default_factory=list)


def default_sender(config: Config) -> str | None:
    """The ``from`` of ``campaigns/defaults.yaml`` (None without one); its findings stop here."""
    path = config.campaigns_dir / DEFAULTS_FILE
    if not path.is_file():
        return None
    target = target_outside(config.root, path) if path.is_symlink() else None
    if target is not None:
        raise LoadError(f"{CAMPAIGNS}/{DEFAULTS_FILE}: {outside_link(target)}")
    loaded = load_defaults(read_yaml(path, f"{CAMPAIGNS}/{DEFAULTS_FILE}"))
    if loaded.findings:
        lines = "\n".join(str(f) for f in sorted(set(loaded.findings)))
        raise LoadError(f"invalid defaults (run `campaigns validate`):\n{lines}")
    sender = loaded.values.get("from")
    return sender if isinstance(sender, str) else None


def misnamed_defaults(rel: str) -> bool:
    """``campaigns/Defaults.YAML``: meant as defaults, so neither a declaration nor ignored."""
    folder, _, name = rel.rpartition("/")
    return folder == CAMPAIGNS and name.lower() == DEFAULTS_FILE != name


def load_defaults(source: SourceFile) -> LoadedDefaults:
    """Check the (parsed) defaults file; its good keys, its locator and its findings."""
    loaded = LoadedDefaults(findings=list(source.findings))
    documents = [d for d in source.documents if d.data is not None]
    if not documents:
        return loaded
    locator = Locator(source)
    document = documents[0]
    issues = _defaults_issues(document)
    if len(documents) > 1:
        issues.append(Issue((), "defaults.yaml must hold a single document", "mapping"))
    for issue in issues:
        loaded.findings.append(locate(issue, locator, document.index, document.line, None))
    if isinstance(document.data, Mapping) and not any(issue.loc == () for issue in issues):
        bad = {issue.loc[0] for issue in issues} | set(TOOL_KEYS)
        loaded.values = {key: value for key, value in document.data.items() if key not in bad}
        loaded.locator = locator
    return loaded


def _defaults_issues(document: Document) -> list[Issue]:
    problem = document_problem(document)
    if problem is not None:
        return [problem]
    data = document.data
    if not isinstance(data, Mapping):
        return [Issue((), "must be a mapping of request fields", "mapping")]
    issues = [
        Issue((key,), "not allowed in defaults.yaml (it belongs to each declaration)", "key")
        for key in TOOL_KEYS
        if key in data
    ]
    allowed = {
        key: value for key, value in data.items() if key not in TOOL_KEYS and value is not None
    }
    try:
        Defaults.model_validate(allowed)
    except ValidationError as exc:
        # A nested key a declaration may supply (message.text) is not required of defaults.
        errors = [e for e in exc.errors() if e["type"] != "missing" or len(e["loc"]) < 2]
        issues.extend(translate(error) for error in errors)
    return issues
