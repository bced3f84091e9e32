"""Apply: the executor and the exactly-once protocol (design.md section 5).

Talks to ``reconciler.routee`` (remote calls) and ``reconciler.state`` (journal, state file) only.
Every remote call that changes something is preceded by a fsynced intent record and followed by
an outcome record; the journal is folded into the state at the end. See docs/apply.md.
"""
