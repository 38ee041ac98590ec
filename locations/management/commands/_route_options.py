"""The --night and --deadline options shared by the route commands."""

import argparse
import datetime as dt

from locations.validation import parse_deadline


def night_option(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"night must be a date like 2026-12-24, not {text!r}") from None


def deadline_option(text: str) -> str:
    try:
        parse_deadline(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip()


def add_route_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--night", type=night_option, help="the route's night, YYYY-MM-DD (default: 24 December)")
    parser.add_argument("--deadline", type=deadline_option, help="latest local arrival, HH:MM; 26:00 is 2 am next day")
