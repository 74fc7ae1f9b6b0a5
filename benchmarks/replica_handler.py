"""The handler ``bench_replicas.py`` loads into kennis-bot: one GitHub write per delivery.

Idempotent, as every handler is (DESIGN: the App's contract): on a retry (``ctx.attempt > 1``,
e.g. another replica taking over a killed one's delivery when its lease ends) it writes only if
its comment is not on the issue yet. ``bench_replicas.py --not-idempotent`` loads
`register_blind`, which always writes, to show the window between a write and its ``finish``.
"""

from __future__ import annotations

from github import Github

from review_bot.routing import DeliveryContext, Router

EVENT = "kennis_bench"


def _client(ctx: DeliveryContext) -> Github:
    app = ctx.app
    assert app is not None
    return app.client(int(ctx.payload["installation"]["id"]))


def _write(client: Github, delivery_id: str) -> None:
    # One write the stand-in logs, with the delivery id as its body: the side effect counted.
    client.requester.requestJsonAndCheck(
        "POST", "/repos/acme/kb/issues/1/comments", input={"body": delivery_id}
    )


def _comment(ctx: DeliveryContext) -> None:
    client = _client(ctx)
    if ctx.attempt > 1:
        comments = client.get_repo("acme/kb").get_issue(1).get_comments()
        if any(comment.body == ctx.delivery_id for comment in comments):
            return  # the write landed before the last attempt stopped
    _write(client, ctx.delivery_id)


def _blind(ctx: DeliveryContext) -> None:
    _write(_client(ctx), ctx.delivery_id)


def register(router: Router) -> None:
    router.on(EVENT)(_comment)


def register_blind(router: Router) -> None:
    router.on(EVENT)(_blind)
