"""The ``qualcode`` command: a thin shell over the core.

``main`` builds the parser from the command modules (``*_cmds.py``, each with ``register``);
a command parses its arguments, calls the same core functions the TUI calls, and prints with
rich (``output``). Nothing heavy is imported at start-up: each command imports what it needs
when it runs.
"""
