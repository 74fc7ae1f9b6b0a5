"""Paths a site build runs or renders as templates, named by the base branch's MkDocs settings.

A preview builds a pull request's content with the base configuration; that is only safe if the
pull request changes nothing the build executes or renders as a Jinja template. Which paths those
are is read from the base configuration itself (never the pull request's), following ``INHERIT``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from kennis.config import CONFIG_PATH
from kennis.paths import normalize

MKDOCS_CONFIG = "mkdocs.yml"
_INHERIT_DEPTH = 10
# Plugins that render every page (or any page that asks) as a Jinja template: with them, any
# content a pull request brings is code, so such a site gets no previews at all.
_TEMPLATING_PLUGINS = ("macros", "mkdocs-macros", "mkdocs_macros")


@dataclass(frozen=True)
class Protected:
    """A repository path (file or folder; ``""`` is everything) and the setting that names it."""

    path: str
    setting: str


# Whatever the configuration says: the files that are the configuration.
ALWAYS_PROTECTED = (
    Protected(MKDOCS_CONFIG, "the configuration file"),
    Protected(CONFIG_PATH, "the kennis configuration"),
)


class _Loader(yaml.SafeLoader):
    """Safe YAML that reads MkDocs' tags (``!ENV``, ``!relative``, ``!!python/name:``) as data."""


def _any_tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node, deep=True)
        return items[-1] if suffix == "ENV" and items else items  # !ENV [NAME, default]
    return loader.construct_mapping(node, deep=True)


_Loader.add_multi_constructor("!", _any_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


class ConfigUnreadable(Exception):
    """The base configuration cannot be read: nothing is known to be safe."""


def protected_paths(read: Callable[[str], bytes | None]) -> tuple[Protected, ...]:
    """Every path the base build executes or renders, with the setting that makes it so.

    *read* returns a file of the base commit (None if absent). An unreadable configuration
    protects everything (``Protected("", …)``): a preview is then refused, not guessed.
    """
    try:
        config, files = _load_chain(read)
    except ConfigUnreadable as exc:
        return (Protected("", f"{MKDOCS_CONFIG} ({exc})"),)
    found = [*ALWAYS_PROTECTED, *(Protected(path, "INHERIT") for path in files[1:])]
    found += _named_settings(config)
    found += _plugin_settings(config)
    return tuple(dict.fromkeys(found))


def _load_chain(read: Callable[[str], bytes | None]) -> tuple[dict[str, Any], list[str]]:
    """The merged configuration and the files it came from (the main file first)."""
    chain: list[tuple[str, dict[str, Any]]] = []
    path: str | None = MKDOCS_CONFIG
    while path is not None:
        if len(chain) >= _INHERIT_DEPTH or path in (p for p, _ in chain):
            raise ConfigUnreadable(f"INHERIT loops or nests deeper than {_INHERIT_DEPTH} files")
        raw = read(path)
        if raw is None:
            raise ConfigUnreadable(f"{path} is missing")
        try:
            data = yaml.load(raw.decode("utf-8"), Loader=_Loader) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigUnreadable(f"{path} is not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigUnreadable(f"{path} is not a mapping")
        chain.append((path, data))
        parent = data.get("INHERIT")
        path = _repo_path(posixpath.dirname(path), parent) if isinstance(parent, str) else None
        if isinstance(parent, str) and path is None:
            raise ConfigUnreadable(f"INHERIT: {parent} is outside the repository")
    merged: dict[str, Any] = {}
    for _, data in reversed(chain):
        merged = _merge(merged, data)
    return merged, [p for p, _ in chain]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        both = isinstance(out.get(key), dict) and isinstance(value, dict)
        out[key] = _merge(out[key], value) if both else value
    return out


def _repo_path(folder: str, value: object) -> str | None:
    """*value* as a repository path relative to *folder*; None outside the repository."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.replace("$config_dir/", "").replace("$config_dir", "")
    try:
        return normalize(posixpath.join(folder, text))
    except ValueError:
        return None  # absolute or climbing out: nothing a pull request can change


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _named_settings(config: dict[str, Any]) -> Iterator[Protected]:
    """The settings MkDocs itself executes or renders: hooks, custom_dir, extra_templates."""
    for hook in _strings(config.get("hooks")):
        if (path := _repo_path("", hook)) is not None:
            yield Protected(path, "hooks")
    theme = config.get("theme")
    if isinstance(theme, dict) and (path := _repo_path("", theme.get("custom_dir"))):
        yield Protected(path, "theme.custom_dir")
    docs_dir = _repo_path("", config.get("docs_dir", "docs")) or ""
    for template in _strings(config.get("extra_templates")):
        if (path := _repo_path(docs_dir, template)) is not None:
            yield Protected(path, "extra_templates")


def _entries(section: object) -> Iterator[tuple[str, object]]:
    """(name, options) of a ``plugins:`` or ``markdown_extensions:`` list or mapping."""
    items = section if isinstance(section, list) else [section] if section else []
    for item in items:
        if isinstance(item, str):
            yield item, None
        elif isinstance(item, dict):
            yield from ((str(k), v) for k, v in item.items())


def _plugin_settings(config: dict[str, Any]) -> Iterator[Protected]:
    """Plugin and Markdown extension options that name a path inside the repository.

    Snippet base paths and macros' folders are the known cases; any other option whose value is
    a repository path is treated the same way (a pull request touching it gets no preview). The
    repository root itself (``base_path: .``, the snippets default) is not protected: snippets
    included from there are Markdown of the pull request's own content, not templates.
    """
    for section in ("plugins", "markdown_extensions"):
        for name, options in _entries(config.get(section)):
            if section == "plugins" and name.split("/")[-1] in _TEMPLATING_PLUGINS:
                yield Protected("", f"plugins.{name} (it renders pages as templates)")
                continue
            for key, value in _options(options):
                for text in _strings(value):
                    path = _repo_path("", text)
                    if path:  # "" is the root
                        yield Protected(path, f"{section}.{name}.{key}")


def _options(options: object, prefix: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(options, dict):
        for key, value in options.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                yield from _options(value, name + ".")
            else:
                yield name, value
