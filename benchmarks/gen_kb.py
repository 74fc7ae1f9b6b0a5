"""Generate a synthetic knowledge-base repository of any size with ``git fast-import``.

The history looks like a real docs-as-code repository: a bulk import, then pages created over
time, edits that follow a Zipf skew (a few pages get most edits), renames across sections (some
with an edit in the same commit), deleted pages, merged pull requests, ``Co-authored-by:``
trailers, and authors whose old e-mails are canonicalised by a committed ``.mailmap``.

    python benchmarks/gen_kb.py --pages 5000 --commits 20000 benchmarks/work/kb-5k

Deterministic for a given ``--seed``. Pages' text is derived from (page id, version), so memory
stays small however large the repository.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_VOCABULARY = (
    "kitchen close lights gas doors alarm safety fridge temperature log shift manager handover "
    "allergen label stock order supplier invoice cleaning rota training onboarding checklist "
    "customer complaint refund till cash float report weekly audit fire exit first aid kit"
)
WORDS = _VOCABULARY.split()
AREAS = ("ops", "people", "kitchen", "finance", "it", "safety", "sales", "support")
KINDS = ("basics", "howto", "policy", "reference", "faq")
PER_FOLDER = (
    25  # pages per folder, about: a bigger knowledge base has more folders, not fuller ones
)
LANGUAGES = ("en", "de", "fr", "es", "it", "ja", "ko", "pt", "ru", "zh", "nl", "pl")
START = 1_500_000_000  # 2017-07-14
STEP = 3 * 3600  # mean gap between commits


@dataclass
class Page:
    ident: int
    path: str
    version: int = 0
    lang: int = 0  # index into LANGUAGES; translations of one page share its ident


def sections(pages: int) -> list[str]:
    """Folders of about PER_FOLDER pages each; the eight areas are the site's tabs.

    ``area/kind`` while that is enough, ``area/kind/part-n`` beyond: a bigger knowledge base is a
    deeper tree, so no folder's list of subfolders grows with the whole base either.
    """
    parts = max(1, pages // (PER_FOLDER * len(AREAS) * len(KINDS)))
    if parts == 1:
        return [f"{a}/{b}" for a in AREAS for b in KINDS]
    return [f"{a}/{b}/part-{n}" for a in AREAS for b in KINDS for n in range(parts)]


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return list(itertools.accumulate(1.0 / (k**s) for k in range(1, n + 1)))


def pick(rng: random.Random, cumulative: list[float], n: int) -> int:
    """Index in [0, n) drawn from the first n Zipf weights."""
    return bisect.bisect_left(cumulative, rng.random() * cumulative[n - 1], 0, n)


def page_text(page: Page) -> bytes:
    """Front matter + a body fixed by the page id + edit notes that change with the version."""
    rng = random.Random(page.ident * 97 + page.lang)
    title = " ".join(rng.choice(WORDS) for _ in range(4)).capitalize()
    lines = ["---", f"title: {title}", f'owner: "@user{rng.randrange(300)}"', "---", f"# {title}"]
    for _ in range(rng.randrange(12, 30)):
        lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(6, 14))) + ".")
    start = max(0, page.version - 3)
    lines += [
        f"- revision {v}: {WORDS[(page.ident + v) % len(WORDS)]}"
        for v in range(start, page.version)
    ]
    return ("\n".join(lines) + "\n").encode()


class Generator:
    """Writes the fast-import stream for one repository, commit by commit."""

    def __init__(self, out: IO[bytes], args: argparse.Namespace) -> None:
        self.out, self.args = out, args
        self.rng = random.Random(args.seed)
        self.pages: list[Page] = []
        self.next_id = 0
        self.mark = 0
        self.tip = 0
        self.when = START
        self.people = [(f"Person {i}", f"person{i}@example.com") for i in range(args.authors)]
        self.person_weights = zipf_weights(len(self.people), 1.0)
        self.page_weights = zipf_weights(args.pages * 2, 1.1)
        self.languages = LANGUAGES[: max(1, getattr(args, "languages", 1))]
        self.sections = sections(args.pages // len(self.languages))
        self.translations: dict[int, list[Page]] = {}

    # -- people and pages ----------------------------------------------------------------------
    def person(self) -> tuple[str, str]:
        index = pick(self.rng, self.person_weights, len(self.people))
        name, email = self.people[index]
        if index % 5 == 0 and self.mark < self.args.commits // 2:
            return name.upper(), email.replace("@example.com", "@old.example")  # pre-.mailmap
        return name, email

    def folder(self, lang: int) -> str:
        prefix = f"{self.languages[lang]}/" if len(self.languages) > 1 else ""
        return f"content/{prefix}{self.rng.choice(self.sections)}"

    def create(self) -> list[bytes]:
        """A new page, in every language at once (parallel translated folders, same names)."""
        section = self.rng.choice(self.sections)
        group = []
        for lang, code in enumerate(self.languages):
            prefix = f"{code}/" if len(self.languages) > 1 else ""
            group.append(
                Page(self.next_id, f"content/{prefix}{section}/page-{self.next_id}.md", 0, lang)
            )
        self.translations[self.next_id] = group
        self.next_id += 1
        self.pages += group
        return [modify(page.path, page_text(page)) for page in group]

    def hot_page(self) -> Page:
        index = pick(self.rng, self.page_weights, len(self.pages))
        return self.pages[(index * 2654435761) % len(self.pages)]

    def edit(self, page: Page) -> bytes:
        page.version += 1
        return modify(page.path, page_text(page))

    def rename(self) -> list[bytes]:
        page = self.hot_page()
        old = page.path
        page.path = f"{self.folder(page.lang)}/moved-{page.ident}-{page.version}.md"
        ops = [b'R "%s" "%s"\n' % (old.encode(), page.path.encode())]
        if self.rng.random() < 0.5:
            ops.append(self.edit(page))  # renamed and edited in one commit (git shows R0xx)
        return ops

    def delete(self) -> bytes:
        page = self.pages.pop(self.rng.randrange(len(self.pages)))
        self.translations[page.ident].remove(page)
        return b"D %s\n" % page.path.encode()

    def edits(self) -> list[bytes]:
        """One to three hot pages; with translations, half the time every language follows."""
        ops = []
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            page = self.hot_page()
            group = self.translations[page.ident]
            same_commit = len(group) > 1 and self.rng.random() < 0.5
            ops += [self.edit(p) for p in (group if same_commit else [page])]
        if self.rng.random() < getattr(
            self.args, "sweep_rate", 0.0
        ):  # a link fix or a rename across the site
            ops += [
                self.edit(self.rng.choice(self.pages))
                for _ in range(getattr(self.args, "sweep_size", 40))
            ]
        return ops

    # -- commits -------------------------------------------------------------------------------
    def message(self, subject: str) -> str:
        if self.rng.random() >= self.args.coauthor_rate:
            return subject
        trailers = [self.person() for _ in range(self.rng.choice((1, 1, 2)))]
        return subject + "\n\n" + "\n".join(f"Co-authored-by: {n} <{e}>" for n, e in trailers)

    def emit(self, ref: str, message: str, ops: list[bytes], parents: list[int]) -> int:
        self.mark += 1
        self.when += self.rng.randrange(60, 2 * STEP)
        name, email = self.person()
        ident = f"{name} <{email}> {self.when} +0000".encode()
        msg = (message + "\n").encode()
        parts = [b"commit refs/heads/%s\nmark :%d\n" % (ref.encode(), self.mark)]
        parts += [b"author ", ident, b"\ncommitter ", ident, b"\n"]
        parts.append(b"data %d\n%s" % (len(msg), msg))
        if parents:
            parts.append(b"from :%d\n" % parents[0])
        parts += [b"merge :%d\n" % extra for extra in parents[1:]]
        self.out.write(b"".join(parts) + b"".join(ops) + b"\n")
        return self.mark

    def change(self, ops: list[bytes], subject: str) -> None:
        """Land ``ops`` on main: directly, or as a pull request branch plus a merge commit."""
        if self.tip and self.rng.random() < self.args.merge_rate:
            branch = self.emit("pr", self.message(subject), ops, [self.tip])
            self.tip = self.emit("main", f"Merge pull request #{branch}", ops, [self.tip, branch])
        else:
            self.tip = self.emit("main", self.message(subject), ops, [self.tip] if self.tip else [])

    def run(self) -> None:
        args = self.args
        deletions = int(args.pages * 0.02)
        to_create = args.pages + deletions
        languages = len(self.languages)
        deletions //= languages
        to_create = args.pages // languages + deletions
        bulk = max(to_create // 5, to_create - int(args.commits * 0.4))
        ops = [op for _ in range(bulk) for op in self.create()]
        ops += [
            modify("README.md", b"# Knowledge base\n"),
            modify("mkdocs.yml", b"site_name: KB\ndocs_dir: content\n"),
        ]
        self.change(ops, "Import the knowledge base")
        per_commit = 1 + args.merge_rate
        while self.mark < args.commits - 1:
            units_left = max(1.0, (args.commits - 1 - self.mark) / per_commit)
            remaining = to_create - self.next_id
            share = remaining / units_left
            creations = int(share) + (self.rng.random() < share - int(share))
            ops = [op for _ in range(creations) for op in self.create()]
            if not ops or self.rng.random() < 0.3:
                ops += self.edits()
            if self.rng.random() < args.rename_rate:
                ops += self.rename()
            if deletions and self.rng.random() < deletions / units_left:
                deletions -= 1
                ops.append(self.delete())
            self.change(unique_paths(ops), f"Update {len(ops)} page(s)")
        mailmap = "".join(
            f"{n} <{e}> <{e.replace('@example.com', '@old.example')}>\n"
            for i, (n, e) in enumerate(self.people)
            if i % 5 == 0
        )
        self.tip = self.emit(
            "main", "Add .mailmap", [modify(".mailmap", mailmap.encode())], [self.tip]
        )


def modify(path: str, data: bytes) -> bytes:
    return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)


def unique_paths(ops: list[bytes]) -> list[bytes]:
    """Keep the last op per path line (a hot page may be picked twice in one commit)."""
    seen: dict[bytes, bytes] = {}
    for op in ops:
        seen[op.split(b"\n", 1)[0]] = op
    return list(seen.values())


def generate(target: Path, args: argparse.Namespace) -> None:
    if target.exists():
        sys.exit(f"{target} exists; remove it first")
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    started = time.perf_counter()
    importer = subprocess.Popen(
        ["git", "-C", str(target), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE
    )
    assert importer.stdin is not None
    Generator(importer.stdin, args).run()
    importer.stdin.write(b"done\n")
    importer.stdin.close()
    if importer.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", str(target), "branch", "-q", "-D", "pr"], check=False)
    subprocess.run(["git", "-C", str(target), "checkout", "-q", "-f", "main"], check=True)
    subprocess.run(["git", "-C", str(target), "gc", "-q"], check=True)
    print(f"generated {target} in {time.perf_counter() - started:.1f}s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--pages", type=int, default=5000, help="pages at HEAD")
    parser.add_argument("--commits", type=int, default=20000, help="commits in total")
    parser.add_argument("--authors", type=int, default=300)
    parser.add_argument("--rename-rate", type=float, default=0.02)
    parser.add_argument("--coauthor-rate", type=float, default=0.08)
    parser.add_argument("--merge-rate", type=float, default=0.25, help="share landed via a PR")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--languages", type=int, default=1, help="parallel translated folders (content/en/…)"
    )
    parser.add_argument(
        "--sweep-rate",
        type=float,
        default=0.0,
        help="share of edit commits that also touch --sweep-size random pages",
    )
    parser.add_argument("--sweep-size", type=int, default=40)
    args = parser.parse_args()
    generate(args.target, args)


if __name__ == "__main__":
    main()
