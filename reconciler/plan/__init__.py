"""The pure diff from declarations and state to a :class:`~reconciler.models.plan.Plan`.

Nothing in this package performs I/O except :mod:`reconciler.plan.saved` (plan files).
"""
