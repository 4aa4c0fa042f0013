"""Operations endpoints: ``health`` (the process answers), ``ready`` (it can serve: upstream reachable,
speech engine state) and Prometheus ``metrics`` (only to the addresses in ``metrics_allow``).

Metrics are read from metrics.py, where every part counts; this module only exports them, with
prometheus-client (the ``metrics`` extra). Each worker process answers with its own numbers.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import shutil
import time
from importlib.util import find_spec
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import metrics
from .endpoint_kit import error_response, services_of, settings_of

__all__ = ["render_metrics", "routes"]

NO_STORE = {"Cache-Control": "no-store"}
READY_TIMEOUT = 3.0  # a readiness probe must answer well within a load balancer's interval


async def health(request: Request) -> Response:
    """Liveness: the process runs and answers. Says nothing of the site behind it."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def _upstream_state(upstream: str, timeout: float) -> tuple[bool, float]:
    """Whether a TCP connection to the upstream opens within ``timeout`` (no request is sent), and how long it took."""
    parts = urlsplit(upstream)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    started = time.monotonic()
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, port), timeout)
    except (OSError, asyncio.TimeoutError):
        return False, time.monotonic() - started
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
    return True, time.monotonic() - started


def _speech_state(settings, services) -> dict:
    """The engine's state as far as it is known without starting it (starting it spawns processes)."""
    if not settings.speech or settings.speech_backend == "none":
        return {"state": "off"}
    service = getattr(services, "speech", None)
    speaker = getattr(service, "_speaker", None) if service is not None else None
    if speaker is not None:
        if speaker.available:
            return {"state": "available", "engine": speaker.voice.name if speaker.voice else None}
        return {"state": "unavailable", "reason": speaker.unavailable_reason}
    installed = find_spec("pyttsx3") is not None or shutil.which("espeak-ng") is not None
    return {"state": "not started", "engine_installed": installed}


async def ready(request: Request) -> Response:
    """Readiness: 200 when pages can be served (the upstream answers a connection), else 503.

    The speech engine's state is reported but does not make the server unready: without it
    every page still works and 朗读 says it is unavailable.
    """
    settings = settings_of(request)
    answer: dict = {}
    ok = True
    if settings.upstream:
        reachable, seconds = await _upstream_state(settings.upstream, min(settings.connect_timeout, READY_TIMEOUT))
        answer["upstream"] = {"reachable": reachable, "ms": round(seconds * 1000, 1)}
        ok = reachable
    else:
        answer["upstream"] = {"reachable": True, "note": "middleware: the site is the app in this process"}
    answer["speech"] = _speech_state(settings, services_of(request))
    return JSONResponse({"status": "ready" if ok else "unready", **answer}, status_code=200 if ok else 503,
                        headers=NO_STORE)


def _allowed(request: Request, networks) -> bool:
    client = request.scope.get("client")
    if not client or not networks:
        return False
    try:
        address = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(address in network for network in networks)


_NAME = re.compile(r"[^a-zA-Z0-9_]")


def _metric_name(name: str) -> str:
    return "eldermode_" + _NAME.sub("_", name)


def _by_name(numbers: dict) -> list[tuple[str, list[str], list[tuple[list[str], object]]]]:
    """(name, label names, [(label values, number)]) per metric: one family a name, every label named in each sample."""
    grouped: dict[str, list[tuple[dict, object]]] = {}
    for (name, labels), number in numbers.items():
        grouped.setdefault(name, []).append((dict(labels), number))
    out = []
    for name, samples in sorted(grouped.items()):
        label_names = sorted({k for labels, _ in samples for k in labels})
        out.append((name, label_names, [([labels.get(k, "") for k in label_names], n) for labels, n in samples]))
    return out


def render_metrics(services=None) -> bytes:
    """Every counter and timing of metrics.py (and the live speech queue) in Prometheus' text format."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

    counters, timings = metrics.snapshot()

    def families():
        for name, label_names, samples in _by_name(counters):
            family = CounterMetricFamily(_metric_name(name), f"eldermode {name}", labels=label_names)
            for values, amount in samples:
                family.add_metric(values, amount)
            yield family
        for name, label_names, samples in _by_name(timings):
            family = HistogramMetricFamily(_metric_name(name), f"eldermode {name}", labels=label_names)
            for values, timing in samples:
                buckets = [(repr(bound), timing.buckets[i] if timing.buckets else 0)
                           for i, bound in enumerate(timing.bounds)]
                family.add_metric(values, [*buckets, ("+Inf", timing.count)], timing.total)
            yield family
        if services is not None:
            yield from _live_gauges(services, GaugeMetricFamily)

    class Collector:
        def collect(self):
            return families()

    registry = CollectorRegistry(auto_describe=False)
    registry.register(Collector())
    return generate_latest(registry)


def _live_gauges(services, Gauge):
    """What is a level, not a count: the synthesis jobs running or waiting now."""
    speech = getattr(services, "speech", None)
    pending = getattr(speech, "_inflight", None)
    family = Gauge(_metric_name("speech_queue"), "synthesis jobs running or waiting in this worker")
    family.add_metric([], len(pending) if pending is not None else 0)
    yield family


async def metrics_endpoint(request: Request) -> Response:
    settings = settings_of(request)
    if not _allowed(request, settings.metrics_networks):
        return error_response("not found", 404)  # to everyone else the endpoint does not exist
    body = render_metrics(services_of(request))
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8", headers=NO_STORE)


def routes(prefix: str) -> list[Route]:
    return [
        Route(prefix + "health", health, methods=["GET", "HEAD"]),
        Route(prefix + "ready", ready, methods=["GET", "HEAD"]),
        Route(prefix + "metrics", metrics_endpoint, methods=["GET"]),
    ]
