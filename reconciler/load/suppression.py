"""Reading the suppression lists ``campaigns.toml`` names (``[policy] suppress``).

Each path is relative to the project root and must resolve inside the project (a symbolic link
that leads out of it is refused, like a ``toFile``'s). A list that cannot be read in full is a
problem, never an empty list: a half-read do-not-call list would let people be called.
The format is :mod:`reconciler.policy.suppression`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reconciler.config import Config
from reconciler.load.findings import LoadError
from reconciler.load.paths import project_path
from reconciler.load.source import read_text
from reconciler.policy.report import PolicyInputs
from reconciler.policy.suppression import Problem, SuppressionList, parse_suppression

#: National do-not-call registries run to millions of rows: 64 MiB is about two million numbers.
MAX_LIST_BYTES = 64 * 1024 * 1024


def read_policy(config: Config, workspace: str) -> PolicyInputs:
    """The policy in force for ``workspace`` and every number it suppresses.

    A list that cannot be read in full stops the command (exit 1), each problem located.
    """
    policy = config.policy(workspace)
    listed = read_suppression_lists(config.root, policy.settings.suppress)
    if listed.problems:
        lines = "\n".join(str(problem) for problem in listed.problems)
        raise LoadError(f"suppression lists named in campaigns.toml cannot be used:\n{lines}")
    return PolicyInputs(policy, listed.entries)


def read_suppression_lists(root: Path, names: Iterable[str]) -> SuppressionList:
    """Every number listed in the files ``names``, with the problems of any that cannot be read."""
    result = SuppressionList()
    for name in names:
        result.merge(_read_list(root, name))
    return result


def _read_list(root: Path, name: str) -> SuppressionList:
    def problem(message: str) -> SuppressionList:
        return SuppressionList(problems=[Problem(name, 1, 1, message)])

    try:
        path = (root / name).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a symbolic link loop
        return problem(f"cannot be followed: {exc}")
    rel = project_path(root, path)
    if rel is None:
        return problem(f"leads outside the project directory (to {path})")
    if not path.is_file():
        return problem("file not found (named in campaigns.toml [policy] suppress)")
    _, text, finding = read_text(path, name, MAX_LIST_BYTES)
    if text is None:
        message = finding.message if finding is not None else "cannot be read"
        line, column = (finding.line, finding.column) if finding is not None else (1, 1)
        return SuppressionList(problems=[Problem(name, line, column, message)])
    return parse_suppression(text, name)
