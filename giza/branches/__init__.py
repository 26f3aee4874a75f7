"""Several branches in one build (``--branches``): worktrees, one merged task graph, the
site-wide files built once, frozen (archived) versions and retention."""
