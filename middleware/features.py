"""The one list of eldermode's features: each gives its ``/__eldermode/`` routes and its subcommand.

The router (endpoints.py) and the command line (cli.py) read this list; a feature's modules
import only the leaf helpers (endpoint_kit, static, command, services), never the router or
the command line, so nothing imports in a circle. A new feature is one entry here.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Callable

from starlette.routing import Route

from . import access_endpoints, elder_endpoints, ops_http, speech_cli, speech_http, tables_http

__all__ = ["FEATURES", "Feature", "feature_routes", "register_commands"]


@dataclass(frozen=True)
class Feature:
    name: str
    routes: Callable[[str], list[Route]] | None = None  # prefix -> the routes it serves under the prefix
    command: Callable[[argparse._SubParsersAction], None] | None = None  # adds its subcommand


FEATURES: tuple[Feature, ...] = (
    Feature("operations", routes=ops_http.routes),  # health, ready, metrics
    Feature("elder", routes=elder_endpoints.routes),
    Feature("access", routes=access_endpoints.routes, command=access_endpoints.register),  # text, audit
    Feature("tables", routes=tables_http.routes, command=tables_http.register),
    Feature("speech", routes=speech_http.routes, command=speech_cli.register),
)


def feature_routes(prefix: str) -> list[Route]:
    return [route for feature in FEATURES if feature.routes for route in feature.routes(prefix)]


def register_commands(sub) -> None:
    for feature in FEATURES:
        if feature.command:
            feature.command(sub)
