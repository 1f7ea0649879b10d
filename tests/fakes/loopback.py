"""A fake service on 127.0.0.1, as the fakes and the fuzzer's stand-ins start them."""

from __future__ import annotations

from aiohttp import web


async def serve(app: web.Application, port: int) -> web.AppRunner:
    """`app` listening on 127.0.0.1:`port`; `await runner.cleanup()` stops it."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner
