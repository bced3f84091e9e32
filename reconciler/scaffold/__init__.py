"""Setting up a campaigns repository of one's own: ``campaigns init --scaffold`` and
``campaigns schema``.

- ``content``: the files (templates shipped in the wheel, rendered with the tool's version and the
  commit its action is pinned to) and the JSON Schemas.
- ``layout``: compare each file with the disk, then write only what is missing (``--force``: also
  what differs); never through a symbolic link.

The use case is ``reconciler.usecases.scaffold``; its output, ``reconciler.render.scaffold``.
"""
