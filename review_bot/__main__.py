"""Allow ``python -m review_bot`` as an alias of the ``kennis-bot`` console script."""

from review_bot.cli import main

if __name__ == "__main__":
    main()
