"""The handler ``bench_replicas.py`` loads into kennis-bot: one GitHub write per delivery."""

from __future__ import annotations

from review_bot.routing import DeliveryContext, Router

EVENT = "kennis_bench"


def _comment(ctx: DeliveryContext) -> None:
    # One write the stand-in logs, with the delivery id as its body: the side effect counted.
    app = ctx.app
    assert app is not None
    client = app.client(int(ctx.payload["installation"]["id"]))
    client.requester.requestJsonAndCheck(
        "POST", "/repos/acme/kb/issues/1/comments", input={"body": ctx.delivery_id}
    )


def register(router: Router) -> None:
    router.on(EVENT)(_comment)
