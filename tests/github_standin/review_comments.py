"""Line comments of a submitted review, checked as GitHub checks them (path and line in the diff)."""

from __future__ import annotations

import re
import subprocess
from typing import Any

from .core import ApiError
from .state import Pull, Repo

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)


def diff_lines(r: Repo, pull: Pull, path: str) -> set[int] | None:
    """New-side line numbers GitHub lets a comment sit on (hunks with 3 lines of context).

    None when the stand-in has no git repository to compute the diff from (any line is taken).
    """
    if r.git_dir is None:
        return None
    patch = subprocess.run(
        [
            "git",
            "-C",
            str(r.git_dir),
            "diff",
            "-U3",
            f"{pull.base_sha}...{pull.head_sha}",
            "--",
            path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines: set[int] = set()
    for match in _HUNK.finditer(patch):
        start, count = int(match.group(1)), int(match.group(2) or "1")
        lines.update(range(start, start + count))
    return lines


def _unresolved(what: str) -> ApiError:
    return ApiError(422, "Unprocessable Entity", [f"{what} could not be resolved"])


def review_comments(r: Repo, pull: Pull, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``comments`` of a create-review body, validated (GitHub's 422s), as stored."""
    comments = body.get("comments") or []
    if not isinstance(comments, list):
        raise ApiError(422, "Invalid request.", ["For 'properties/comments', is not an array."])
    names = {f.get("filename") for f in pull.files}
    stored = []
    for comment in comments:
        if not isinstance(comment, dict) or not comment.get("body"):
            raise ApiError(422, "Unprocessable Entity", ["Body can't be blank"])
        path, line, side = comment.get("path"), comment.get("line"), comment.get("side", "RIGHT")
        if path not in names:
            raise _unresolved("Path")
        if side not in ("LEFT", "RIGHT") or not isinstance(line, int) or line < 1:
            raise _unresolved("Line")
        allowed = diff_lines(r, pull, str(path)) if side == "RIGHT" else None
        if allowed is not None and line not in allowed:
            raise _unresolved("Line")
        stored.append({"path": path, "line": line, "side": side, "body": comment["body"]})
    return stored
