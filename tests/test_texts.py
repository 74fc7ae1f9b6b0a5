"""Texts made before the language is known: English as a str, said in Dutch later."""

from __future__ import annotations

import copy
import dataclasses
import pickle

from kennis.errors import Problem
from kennis.i18n import translator
from kennis.texts import N_, say

DUTCH = translator("nl")
MISSING_AT = N_('"{text}" is missing the "@" (write "@{text}")', text="chef")


def test_a_text_is_its_english_string() -> None:
    text = N_("{key}: {error}", key="owner", error=MISSING_AT)
    assert text == 'owner: "chef" is missing the "@" (write "@chef")'
    assert isinstance(text, str) and f"{text}" == text


def test_nested_texts_are_said_in_the_language() -> None:
    text = N_("{key}: {error}", key="owner", error=MISSING_AT)
    assert say(text, DUTCH) == 'owner: bij "chef" ontbreekt de "@" (schrijf "@chef")'
    assert say("plain", DUTCH) == "plain" and say(text, translator("en")) == text


def test_copies_and_pickles_keep_the_message() -> None:
    problem = Problem("content/a.md", 2, 8, N_("{key}: {error}", key="owner", error=MISSING_AT))
    for again in (
        copy.deepcopy(problem),
        pickle.loads(pickle.dumps(problem)),
        Problem(**dataclasses.asdict(problem)),
    ):
        assert again == problem
        assert (
            again.said(DUTCH)
            == 'content/a.md:2:8: owner: bij "chef" ontbreekt de "@" (schrijf "@chef")'
        )


def test_a_warning_says_so_in_the_language() -> None:
    problem = Problem(".github/kennis.yml", 3, 1, N_("a list"), "warning")
    assert str(problem) == ".github/kennis.yml:3:1: warning: a list"
    assert problem.said(DUTCH) == ".github/kennis.yml:3:1: waarschuwing: een lijst"
