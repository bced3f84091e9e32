"""The state layer: the state file (atomic writes), the workspace lock, the journal and its fold.

Commands call :func:`reconciler.state.workspace.open_workspace`; the apply executor also uses
:mod:`~reconciler.state.journal` and :mod:`~reconciler.state.lock` directly. See docs/state.md.
"""
