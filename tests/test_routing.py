"""Routers compose in the order listed; importing a concern module registers nothing anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from review_bot import routing
from review_bot.concerns import builtin_router, root_router
from review_bot.routing import DeliveryContext, HandlerSpecError, Router, load_extra

ROOT = Path(__file__).resolve().parent.parent


def _names(router: Router, event: str, action: str | None) -> list[str]:
    return [h.__name__ for h in router.handlers_for(event, action)]


def test_merged_routers_run_handlers_in_the_order_the_routers_are_listed() -> None:
    first, second = Router(), Router()

    @second.on("pull_request", "opened")
    def second_opened(ctx: DeliveryContext) -> None: ...

    @first.on("pull_request")
    def first_any(ctx: DeliveryContext) -> None: ...

    @first.on("pull_request", "opened")
    def first_opened(ctx: DeliveryContext) -> None: ...

    root = Router(first, second)
    # specific handlers before catch-alls; among them, the listed order of the routers
    assert _names(root, "pull_request", "opened") == ["first_opened", "second_opened", "first_any"]
    assert _names(Router(second, first), "pull_request", "opened") == [
        "second_opened",
        "first_opened",
        "first_any",
    ]
    assert _names(root, "pull_request", "closed") == ["first_any"]
    # a router included twice still runs each handler once
    assert _names(Router(first, first), "pull_request", "opened") == ["first_opened", "first_any"]


def test_the_builtin_concerns_run_review_routing_before_previews() -> None:
    root = builtin_router()
    handlers = root.handlers_for("pull_request", "synchronize")
    assert [f"{h.__module__}.{h.__name__}" for h in handlers] == [
        "review_bot.reviewers.on_pull_request",
        "review_bot.suggestions.on_pull_request",
        "review_bot.site.previews.on_pull_request",
    ]
    # reports and requests a push settles are cleared before the deploy builds the site
    assert [h.__module__ for h in root.handlers_for("push", None)] == [
        "review_bot.feedback",
        "review_bot.requests",
        "review_bot.site.deploy",
    ]
    assert [h.__module__ for h in root.handlers_for("kennis_scan", None)] == [
        "review_bot.review_due"
    ]


def test_importing_the_concern_modules_registers_nothing_globally() -> None:
    """Each concern keeps its handlers on its own router; there is no shared one to fill."""
    code = (
        "import review_bot.routing as r\n"
        "import review_bot.reviewers, review_bot.review_due, review_bot.confirm\n"
        "import review_bot.site.deploy, review_bot.site.previews\n"
        "print(hasattr(r, 'router'), r.Router().routes())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False []"
    assert not hasattr(routing, "router")
    assert builtin_router().routes() == builtin_router().routes()
    assert builtin_router() is not builtin_router()


router = Router()  # this module is also an extra-handler module: `tests.test_routing`


@router.on("kennis_extra")
def extra_handler(ctx: DeliveryContext) -> None: ...


def register(router: Router) -> None:
    router.on("kennis_registered")(extra_handler)


def test_extra_handlers_come_from_a_module_router_or_a_register_function() -> None:
    root = root_router([f"{__name__}:register"])
    assert _names(root, "kennis_registered", None) == ["extra_handler"]
    assert _names(root, "pull_request", "opened")[0] == "on_pull_request"  # built-ins first
    module = Router()
    load_extra([__name__], module)
    assert _names(module, "kennis_extra", None) == ["extra_handler"]


BAD_SPECS = {  # case: (spec, what the error says)
    "no-such-module": ("tests.no_such_module", "cannot import tests.no_such_module"),
    "no-such-function": ("tests.test_routing:nothing", "has no function nothing"),
    "module-without-router": ("tests.gitrepo", "has no `router`"),
}


@pytest.mark.parametrize("case", list(BAD_SPECS), ids=list(BAD_SPECS))
def test_a_bad_extra_handler_spec_names_itself(case: str) -> None:
    spec, message = BAD_SPECS[case]
    with pytest.raises(HandlerSpecError, match=message) as raised:
        load_extra([spec], Router())
    assert str(raised.value).startswith(spec + ":")
