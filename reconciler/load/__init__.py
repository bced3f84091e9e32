"""Files -> campaigns: read ``campaigns/**/*.yaml``, validate, and report problems as data.

``load_project(config)`` never raises for bad declarations: every problem becomes a
:class:`Finding` (``path:line:col: field: message``) so one run reports them all. It raises
:class:`LoadError` only when there is nothing to read (no ``campaigns/`` directory).
"""

from reconciler.load.findings import Finding, LoadError, LoadResult
from reconciler.load.project import load_project

__all__ = ["Finding", "LoadError", "LoadResult", "load_project"]
