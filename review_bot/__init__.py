"""kennis-bot: the GitHub App that routes knowledge-base changes to the people who own them."""
