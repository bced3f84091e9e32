"""routee-campaigns: campaigns-as-code for Routee voice campaigns.

Layers (design.md section 8), each importable alone:

- ``models``   pydantic models: declaration, state, plan. No I/O.
- ``load``     files -> validated declarations with source positions; errors as data.
- ``plan``     the pure diff ``(declarations, state, now) -> Plan``.
- ``state``    state file format, atomic writes, lock, journal.
- ``routee``   the httpx client and its exception tree.
- ``apply``    the executor and the exactly-once protocol.
- ``render``   text, JSON and Markdown renderers.
- ``cli``      click commands.
- ``sandbox``  the local Routee simulator (imports only ``reconciler.enums`` and ``reconciler.errors``).
"""

__version__ = "0.1.0"
