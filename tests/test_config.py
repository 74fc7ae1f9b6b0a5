import pytest

from kennis.config import Config, parse_config
from kennis.intervals import Interval


def test_no_file_means_defaults():
    config, problems = parse_config(None)
    assert problems == [] and config == Config()
    assert (
        config.content_dir,
        str(config.review_every),
        str(config.due_soon),
        config.max_reviewers,
    ) == ("content", "12 months", "30 days", 4)


def test_every_key_is_read():
    raw = (
        b"content_dir: docs/\nreview_every: 6 months\ndue_soon: 2 weeks\nmax_reviewers: 2\n"
        b"fallback_owner: '@acme/kb'\nsite_url: https://kb.example.com\nignore_revs: .git-blame-ignore-revs\n"
        b"verify: commit\nlanguage: nl\n"
    )
    config, problems = parse_config(raw)
    assert problems == []
    assert config.content_dir == "docs" and config.review_every == Interval(6, "months")
    assert config.due_soon == Interval(2, "weeks") and config.max_reviewers == 2
    assert config.fallback_owner.text == "@acme/kb" and config.fallback_source.line == 5
    assert config.site_url == "https://kb.example.com/" and config.verify == "commit"
    assert config.language == "nl" and Config().language == "en"


BAD = [
    ("interval", b"review_every: often\n", 1, 15, "review_every:"),
    ("reviewers", b"max_reviewers: many\n", 1, 16, "not a whole number"),
    ("bool reviewers", b"max_reviewers: true\n", 1, 16, "not a whole number"),
    ("fallback", b"fallback_owner: team\n", 1, 17, 'missing the "@"'),
    ("site", b"site_url: kb.example.com\n", 1, 11, "web address"),
    ("verify", b"verify: push\n", 1, 9, "not one of: pr, commit"),
    ("language", b"language: klingon\n", 1, 11, "not a language kennis speaks (known: en, nl"),
    ("language-no-tag", b"language: nl_" + b"x" * 200 + b"\n", 1, 11, "not a language kennis"),
    ("list", b"- a\n", 1, 1, "keys and values"),
    ("syntax", b"a: [\n", 2, 1, "YAML syntax error"),
]


@pytest.mark.parametrize(
    ("raw", "line", "col", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD]
)
def test_bad_settings_are_explained(raw, line, col, message):
    config, problems = parse_config(raw)
    assert [(p.path, p.line, p.col) for p in problems] == [(".github/kennis.yml", line, col)]
    assert message in problems[0].message
    assert config.max_reviewers == 4  # a bad key falls back to its default
