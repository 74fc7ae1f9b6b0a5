"""Shared pytest fixtures: the GitHub stand-in is registered here for every test module."""

pytest_plugins = ["tests.github_standin.fixtures", "tests.pgserver"]
