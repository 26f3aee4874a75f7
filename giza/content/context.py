"""What a content generation run needs to know about the build."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ContentContext:
    """Inputs shared by every generator of one (edition, language) proxy tree."""

    # The REAL source includes dir: YAML is read from here so that every error
    # names a file the author can open.
    includes_dir: Path
    # The proxy tree's includes/: YAML files migrations put there (not in source/)
    # are generated too, as in the original, which read the proxy tree.
    migrated_dir: Path | None = None
    edition: str | None = None
    # Global replacement.yaml tokens, already picked for this edition.
    replacements: Mapping[str, str] = field(default_factory=dict)
    version: str = ""  # version.release -> {{version}}
    branch: str = ""  # version.branch -> {{branch}}
    stable: str | None = None  # -> {{stable}}

    def builtin_tokens(self) -> dict[str, str]:
        """Tokens every unit can use, below the global and unit replacements."""
        tokens = {"version": self.version, "branch": self.branch}
        if self.stable is not None:
            tokens["stable"] = self.stable
        return tokens
