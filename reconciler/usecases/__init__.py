"""The use cases below the CLI: plan, apply, refresh, import, doctor, status.

Each is a function that takes what the CLI parsed, does its work through one
:class:`~reconciler.usecases.session.WorkspaceSession` (connect, lock, open, fold, write) when it
touches Routee or the state, and returns a result the CLI renders. None of them prints.
"""
