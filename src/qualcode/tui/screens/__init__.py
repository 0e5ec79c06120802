"""Modal screens of the workspace: pickers, prompts, help, retrieval and search."""
