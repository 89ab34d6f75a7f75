"""Entry point of the `whosaid` console script.

Each group of subcommands lives in its own module and adds itself to the parser
through `register(subparsers)`; a subcommand sets `handler`, which returns the
exit status.
"""
from __future__ import annotations

import argparse
import sys

from whosaid import engine_commands, service_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="whosaid", description="Find quotations in news articles and who said them.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    engine_commands.register(subparsers)
    service_commands.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
