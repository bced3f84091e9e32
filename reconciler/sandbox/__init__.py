"""A faithful local Routee voice API on loopback, with fault injection (design.md section 7).

The sandbox stands alone: it imports only the standard library, ``reconciler.enums`` and
``phonenumbers``, so it can be started by tests and by ``campaigns sandbox`` without the rest of
the tool. Start it with :func:`reconciler.sandbox.server.start_sandbox`; see docs/sandbox.md.
"""
