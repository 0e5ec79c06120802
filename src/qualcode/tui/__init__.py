"""The coding workspace: the only package that imports Textual.

``app.make_app`` builds the app for the CLI and the tests. ``workspace`` is the TUI's read and
write model on top of the store's repositories (the open document as a ``doc_model``, the code
matrix as a ``matrix_model``); screens and actions (``actions_*``, ``screens/``) call it, never SQL.
Slow work (suggestions, study figures, exports) runs in thread workers with their own connection.
"""
