"""The ``campaigns`` command line (click). Each command lives in ``reconciler.cli.commands``."""
