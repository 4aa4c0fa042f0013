"""The floor for pass-through proxying: a minimal aiohttp streaming proxy (no eldermode at all).

    python benchmarks/minimal_proxy.py UPSTREAM_URL PORT
"""

import sys

try:  # the same event loop eldermode's proxy gets from uvicorn, for a fair comparison
    import uvloop

    uvloop.install()
except ImportError:
    pass

from aiohttp import ClientSession, ClientTimeout, web

UPSTREAM, PORT = sys.argv[1].rstrip("/"), int(sys.argv[2])


async def forward(request: web.Request) -> web.StreamResponse:
    session: ClientSession = request.app["session"]
    async with session.request(request.method, UPSTREAM + request.path_qs, allow_redirects=False) as upstream:
        response = web.StreamResponse(status=upstream.status, headers={
            k: v for k, v in upstream.headers.items() if k.lower() not in ("transfer-encoding", "connection")})
        await response.prepare(request)
        async for chunk in upstream.content.iter_chunked(65536):
            await response.write(chunk)
        return response


async def session_context(app: web.Application):
    app["session"] = ClientSession(auto_decompress=False, timeout=ClientTimeout(total=None))
    yield
    await app["session"].close()


app = web.Application()
app.cleanup_ctx.append(session_context)
app.router.add_route("*", "/{tail:.*}", forward)
web.run_app(app, host="127.0.0.1", port=PORT, print=None, access_log=None)
