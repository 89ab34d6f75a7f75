"""The service's subcommands (web front, workers); none are registered yet."""
from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the service subcommands to the `whosaid` parser."""
