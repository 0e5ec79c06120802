"""The base of the store's repositories: each owns some tables of the project file.

A repository is reached through its project (``project.codings``, ``project.codebook`` …) and
shares the project's connection; cross-table work (history, the code tree) goes through the
project to the repository that owns those tables.
"""

from __future__ import annotations


class Repository:
    def __init__(self, project):
        self.project = project

    @property
    def db(self):
        return self.project.db
