"""Maps (event, action) to handler functions; routers compose, so one place lists the concerns."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from review_bot.context import DeliveryContext

__all__ = ["ANY_ACTION", "DeliveryContext", "Handler", "HandlerSpecError", "Router", "load_extra"]

Handler = Callable[[DeliveryContext], None]
ANY_ACTION = "*"


class Router:
    """Handlers by (event, action): ``@router.on(event, *actions)``; ``Router(a, b)`` merges a, b.

    Like bedevere's routers, each concern module has its own; importing a module registers
    nothing anywhere else. The composition root (`review_bot.concerns`) lists them in order.
    """

    def __init__(self, *children: Router) -> None:
        self._handlers: dict[tuple[str, str], list[Handler]] = {}
        for child in children:
            self.include(child)

    def on(self, event: str, *actions: str) -> Callable[[Handler], Handler]:
        """Register the decorated handler for *event* with any of *actions* (all if none given)."""

        def register(handler: Handler) -> Handler:
            for action in actions or (ANY_ACTION,):
                self._add(event, action, handler)
            return handler

        return register

    def include(self, other: Router) -> None:
        """Add *other*'s handlers after this router's own (a handler already here is kept once)."""
        for (event, action), handlers in other._handlers.items():
            for handler in handlers:
                self._add(event, action, handler)

    def _add(self, event: str, action: str, handler: Handler) -> None:
        bucket = self._handlers.setdefault((event, action), [])
        if handler not in bucket:
            bucket.append(handler)

    def handlers_for(self, event: str, action: str | None) -> list[Handler]:
        """Handlers for this (event, action), in registration order, specific before catch-all."""
        found = list(self._handlers.get((event, action or ""), []))
        found += [h for h in self._handlers.get((event, ANY_ACTION), []) if h not in found]
        return found

    def routes(self) -> list[tuple[str, str, str]]:
        """(event, action, handler name) triples, for diagnostics."""
        return sorted(
            (event, action, f"{h.__module__}.{h.__qualname__}")
            for (event, action), handlers in self._handlers.items()
            for h in handlers
        )


class HandlerSpecError(Exception):
    """A ``KENNIS_EXTRA_HANDLERS`` entry names nothing that registers handlers."""


def load_extra(specs: Iterable[str], root: Router) -> None:
    """Add operator handlers to *root*: ``pkg.mod`` (its ``router``) or ``pkg.mod:register``.

    This is the hook ``KENNIS_EXTRA_HANDLERS=pkg.mod,other.mod:register``; ``register`` is
    called with the root router.
    """
    for spec in specs:
        module_name, _, attr = spec.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise HandlerSpecError(f"{spec}: cannot import {module_name} ({exc})") from None
        if attr:
            register = getattr(module, attr, None)
            if not callable(register):
                raise HandlerSpecError(f"{spec}: {module_name} has no function {attr}")
            register(root)
            continue
        found = getattr(module, "router", None)
        if not isinstance(found, Router):
            raise HandlerSpecError(
                f"{spec}: {module_name} has no `router` (or name a function: {module_name}:register)"
            )
        root.include(found)
