"""Previews refuse pull requests that touch what the base configuration runs or renders."""

from __future__ import annotations

import pytest

from kennis.config import parse_config
from kennis.gitrev import Change
from review_bot.site.previews import plan_preview
from review_bot.site.trusted import protected_paths

MATERIAL = "site_name: KB\ndocs_dir: content\ntheme:\n  name: material\n"


def changes(*entries: str) -> list[Change]:
    out = []
    for entry in entries:
        status, _, paths = entry.partition(" ")
        old, _, new = paths.partition(" -> ")
        out.append(Change(status, old, new or old))
    return out


CASES = {  # case: (base files, content_dir, PR changes, setting the reason names or None)
    "custom-dir-inside-content": (
        {"mkdocs.yml": MATERIAL + "  custom_dir: content/overrides\n"},
        "content",
        ["A content/overrides/main.html"],
        "theme.custom_dir",
    ),
    "custom-dir-file-deleted": (
        {"mkdocs.yml": MATERIAL + "  custom_dir: content/overrides\n"},
        "content",
        ["D content/overrides/main.html"],
        "theme.custom_dir",
    ),
    "page-renamed-into-custom-dir": (
        {"mkdocs.yml": MATERIAL + "  custom_dir: content/overrides\n"},
        "content",
        ["R content/a.md -> content/overrides/main.html"],
        "theme.custom_dir",
    ),
    "hooks": (
        {"mkdocs.yml": MATERIAL + "hooks:\n  - content/hooks/build.py\n"},
        "content",
        ["M content/hooks/build.py"],
        "hooks",
    ),
    "extra-templates": (
        {"mkdocs.yml": MATERIAL + "extra_templates:\n  - robots.txt\n"},
        "content",
        ["M content/robots.txt"],
        "extra_templates",
    ),
    "snippets-base-path": (
        {
            "mkdocs.yml": MATERIAL + "markdown_extensions:\n  - pymdownx.snippets:\n"
            "      base_path: [content/snippets]\n"
        },
        "content",
        ["A content/snippets/note.md"],
        "markdown_extensions.pymdownx.snippets.base_path",
    ),
    "inherit-file-inside-content": (
        {"mkdocs.yml": "INHERIT: content/base.yml\n", "content/base.yml": MATERIAL},
        "content",
        ["M content/base.yml"],
        "INHERIT",
    ),
    "custom-dir-from-inherited-config": (
        {
            "mkdocs.yml": "INHERIT: config/base.yml\nsite_name: KB\n",
            "config/base.yml": MATERIAL + "  custom_dir: content/theme\n",
        },
        "content",
        ["A content/theme/partials/footer.html"],
        "theme.custom_dir",
    ),
    "content-dir-dot-mkdocs-yml": (
        {"mkdocs.yml": MATERIAL},
        ".",
        ["M mkdocs.yml"],
        "configuration",
    ),
    "content-dir-dot-kennis-yml": (
        {"mkdocs.yml": MATERIAL},
        ".",
        ["M .github/kennis.yml"],
        "kennis configuration",
    ),
    "plugin-option-naming-a-folder": (
        {
            "mkdocs.yml": MATERIAL
            + "plugins:\n  - search\n  - blocks:\n      templates: content/partials\n"
        },
        "content",
        ["A content/partials/card.html"],
        "plugins.blocks.templates",
    ),
    "macros-renders-every-page": (
        {"mkdocs.yml": MATERIAL + "plugins:\n  - macros\n"},
        "content",
        ["M content/a.md"],
        "plugins.macros",
    ),
    "unreadable-base-config": (
        {"mkdocs.yml": "theme: [material\n"},
        "content",
        ["M content/a.md"],
        "mkdocs.yml (mkdocs.yml is not valid YAML",
    ),
    "mkdocs-tags-are-read-as-data": (
        {
            "mkdocs.yml": MATERIAL + "  custom_dir: !ENV [THEME_DIR, content/overrides]\n"
            "markdown_extensions:\n  - pymdownx.emoji:\n"
            "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        },
        "content",
        ["M content/overrides/main.html"],
        "theme.custom_dir",
    ),
    # what stays previewable
    "content-beside-custom-dir": (
        {"mkdocs.yml": MATERIAL + "  custom_dir: overrides\n"},
        "content",
        ["M content/a.md"],
        None,
    ),
    "snippets-from-the-root-are-content": (
        {
            "mkdocs.yml": MATERIAL
            + "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: .\n"
        },
        "content",
        ["M content/a.md"],
        None,
    ),
    "content-dir-dot-page": ({"mkdocs.yml": MATERIAL}, ".", ["M guide/a.md"], None),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_preview_plan_follows_the_base_configuration(case: str) -> None:
    files, folder, entries, setting = CASES[case]
    content_dir = parse_config(f"content_dir: {folder}\n".encode())[0].content_dir
    protected = protected_paths(lambda path: files[path].encode() if path in files else None)
    plan = plan_preview(changes(*entries), content_dir, protected)
    if setting is None:
        assert plan.reason is None and plan.pages
    else:
        assert plan.reason is not None and setting in plan.reason, plan.reason
        assert not plan.pages
