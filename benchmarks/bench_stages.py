"""Instructions up to each step of one site build: where kennis' share of a build goes.

    python benchmarks/bench_stages.py --pages 300 --commits 20000 \\
        --stop plain:files --stop kennis:files \\
        --stop kennis:after:kennis_mkdocs.context:load_kb --stop kennis:post_build

Each ``--stop SIDE:STEP`` builds the ``bench_site.py`` knowledge base (made by it first) with that
side's configuration (``bare``, ``plain``, ``kennis``, or ``only-pageinfo+health``: plain with just
those kennis plugins enabled), in one process under valgrind's callgrind, and ends the process right after
STEP (``os._exit``): the difference between two stops is what lies between them, reproducible to
~1 M instructions (a whole build varies by ~±10 M, as the collector's full collections fall at
different moments). The history cache is warm (a build at the same commit just before). STEP is:

- an MkDocs event (``config``, ``files``, ``nav``, ``env``, ``post_build``): after every plugin's
  handler of it, or ``full`` for the whole build and the interpreter's exit;
- ``after:MODULE:NAME`` or ``after:MODULE:CLASS.NAME``: right after the first call of that function
  or class method returns (patched where the caller looks it up);
- ``before:populate:PREFIX`` or ``before:render:PREFIX``: before the first page under PREFIX is
  converted or rendered (MkDocs does the generated report pages last).

Needs valgrind. Runs ~40× slower than a build: ~1–3 minutes a stop at 300 pages.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench_site import CONFIGS, ensure_repo  # run as a script: its folder is on the path

HERE = Path(__file__).resolve()
EVENTS = ("config", "files", "nav", "env", "post_build", "full")


def stop_after(stage: str) -> None:
    """In the measured process: arrange to exit right after ``stage`` (see the module doc)."""
    import mkdocs.commands.build as build

    if stage.startswith("after:"):
        _, module, name = stage.split(":")
        owner: Any = importlib.import_module(module)
        if "." in name:
            cls, name = name.split(".")
            owner = getattr(owner, cls)
        found = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        raw = found.__func__ if isinstance(found, classmethod) else found

        def then_exit(*args: Any, **kwargs: Any) -> None:
            raw(*args, **kwargs)
            os._exit(0)

        setattr(
            owner, name, classmethod(then_exit) if isinstance(found, classmethod) else then_exit
        )
    elif stage.startswith("before:") and stage.split(":")[1] in ("populate", "render"):
        _, kind, prefix = stage.split(":")
        name = "_populate_page" if kind == "populate" else "_build_page"
        step = getattr(build, name)

        def stopping(page: Any, *args: Any, **kwargs: Any) -> Any:
            if page.file.src_uri.startswith(prefix):
                os._exit(0)
            return step(page, *args, **kwargs)

        setattr(build, name, stopping)
    elif stage not in EVENTS:
        sys.exit(f"unknown step {stage!r}: see python benchmarks/bench_stages.py --help")


def run_one(repo: Path, side: str, stage: str, site: Path) -> None:
    """The measured process: load the side's configuration, build, exit at ``stage``."""
    import mkdocs.commands.build as build
    from mkdocs.config import load_config
    from mkdocs.plugins import BasePlugin, event_priority

    stop_after(stage)  # before the configuration: its plugins bind their methods when loaded
    os.chdir(repo)
    config = load_config(f"bench-{side}.yml", site_dir=str(site))
    if stage == "config":
        os._exit(0)
    if stage in EVENTS[1:-1]:

        class Stop(BasePlugin):  # type: ignore[type-arg]
            pass

        @event_priority(-1000)  # after every other plugin's handler
        def leave(*args: Any, **kwargs: Any) -> None:
            os._exit(0)

        setattr(Stop, f"on_{stage}", leave)
        config.plugins["bench-stop"] = Stop()
    config.plugins.on_startup(command="build", dirty=False)
    build.build(config)
    config.plugins.on_shutdown()
    if stage != "full":  # the stop was never reached: its count would be the whole build's
        sys.exit(f"the build ended without reaching {stage!r}")


def only(repo: Path, side: str) -> None:
    """``only-pageinfo+health``: plain with just those kennis plugins enabled (the others listed)."""
    text = CONFIGS["plain"]
    for name in side.removeprefix("only-").split("+"):
        off = f"  - kennis/{name}:\n      enabled: false\n"
        if off not in text:
            sys.exit(f"{side}: no kennis/{name} plugin in the plain configuration")
        text = text.replace(off, f"  - kennis/{name}\n")
    (repo / f"bench-{side}.yml").write_text(text)


def measure(repo: Path, side: str, stage: str) -> int:
    """Instructions of one stopped build (git children included), after an unmeasured one."""
    if side.startswith("only-"):
        only(repo, side)
    slug = stage.replace(":", "-").replace("/", "-")
    out = repo.parent / f"{repo.name}-stages" / f"{side}-{slug}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    env = {**os.environ, "KENNIS_AS_OF": "2026-11-27", "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPYCACHEPREFIX"] = str(HERE.parent / "work" / "pycache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    me = [sys.executable, str(HERE), "--run-one", str(repo), side]
    subprocess.run([*me, "full", str(out / "site")], env=env, check=True, capture_output=True)
    tool = ["valgrind", "--tool=callgrind", "--cache-sim=no", "--trace-children=yes"]
    tool.append(f"--callgrind-out-file={out}/cg.%p")
    run = subprocess.run([*tool, *me, stage, str(out / "site")], env=env, capture_output=True)
    if run.returncode != 0:
        sys.exit(f"{side}:{stage} failed:\n{run.stderr.decode(errors='replace')[-2000:]}")
    return sum(
        int(line.split()[1])
        for file in out.glob("cg.*")
        for line in file.read_text(errors="replace").splitlines()
        if line.startswith("summary:")
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--run-one":
        repo, side, stage, site = sys.argv[2:6]
        run_one(Path(repo), side, stage, Path(site))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stop", action="append", required=True, help="SIDE:STEP (repeatable)")
    args = parser.parse_args()
    repo = ensure_repo(args.pages, args.commits, args.seed)
    for stop in args.stop:
        side, stage = stop.split(":", 1)
        print(f"{side:8s} {stage:60s} {measure(repo, side, stage) / 1e6:10.1f} M", flush=True)


if __name__ == "__main__":
    main()
