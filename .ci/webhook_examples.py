"""Lay out the recorded webhook examples ../shared holds, from npm's @octokit/webhooks-examples.

CI clones lack ../shared, and with CI set the contract tests fail rather than skip: this writes the
same 13 files (byte-for-byte the same JSON values, checked by index against ../shared).
usage: webhook_examples.py <package>/api.github.com/index.json <out-dir>
"""

import json
import sys
from pathlib import Path

# (event, index in the package's examples) -> the file name ../shared gives it
FILES = {
    ("installation", 1): "created.payload.json",
    ("issue_comment", 3): "created.with-installation.payload.json",
    ("issues", 15): "opened.payload.json",
    ("ping", 2): "with-app_id.payload.json",
    ("pull_request", 3): "closed.payload.json",
    ("pull_request", 6): "converted_to_draft.with-installation.payload.json",
    ("pull_request", 12): "opened.payload.json",
    ("pull_request", 16): "ready_for_review.with-installation.payload.json",
    ("pull_request", 18): "reopened.payload.json",
    ("pull_request", 20): "review_request_removed.payload.json",
    ("pull_request", 22): "synchronize.payload.json",
    ("pull_request_review", 2): "submitted.payload.json",
    ("push", 3): "with-installation.payload.json",
}

index, out = Path(sys.argv[1]), Path(sys.argv[2])
examples = {e["name"]: e["examples"] for e in json.loads(index.read_text(encoding="utf-8"))}
for (event, n), name in FILES.items():
    (out / event).mkdir(parents=True, exist_ok=True)
    (out / event / name).write_text(json.dumps(examples[event][n], indent=2), encoding="utf-8")
