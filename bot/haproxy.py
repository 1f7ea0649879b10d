"""HAProxy's configuration in front of several app instances: `havn run-scaled` writes it under var/ for this
machine, and deploy/haproxy.cfg is the same text for Docker Compose (a test keeps the two alike).

What it does and why:
- every request goes to the app instance with the fewest connections (`leastconn`): the console's WebSockets
  stay open for hours, so counting requests would pile them on one instance; any instance serves any request
  (sessions, queue and claims are in the shared database, console events go through Redis);
- HAProxy asks each instance's `/healthz` every 2 s, waits up to 5 s for the answer, and takes an instance out
  after 3 failures (in again after 2 answers): a dead or hung instance gets no person's message, a busy one keeps
  its people (/healthz answers within about 1.5 s however busy the instance: bot/app.py). With a 2 s wait and 2
  failures, 200 people at once took both instances out in turn, and HAProxy refused everyone;
- when no instance is up, HAProxy itself answers with a short page that names 112 and the hotline, never its own
  "503 Service Unavailable";
- a connection an instance refused (it just died) is tried again on the other (`retries`, `redispatch`): it
  never reached the app, so nothing can happen twice; HAProxy repeats nothing once a request was sent;
- a WebSocket (the console) is a tunnel once upgraded: `timeout tunnel` keeps it open while it is used, the
  app's own pings keep it used;
- the client's address reaches the app in X-Forwarded-For (`option forwardfor`), which the app believes from
  this proxy only (HAVN_TRUSTED_PROXIES), for its rate limits: it never stores it (core/sources.py);
- no request log: HAProxy would write each client's address and each path (`log` is never set for requests).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from core.texts import Texts

CHECK_SECONDS = 2
CHECK_TIMEOUT = "5s"
TUNNEL_TIMEOUT = "1h"


def no_server_page(texts: Texts, page_title: str | None = None) -> str:
    """HAProxy's own answer when no instance is up. It cannot know the person's language, so the page says it in
    every language the chat speaks (the web chat's own words for a failure, which name 112), then the two numbers.
    Its title is the web chat's (HAVN_PAGE_TITLE when the centre set one): a phone's tab list or history must not
    show a different name when the app was away. Escaped for HTML, which also keeps a quote out of HAProxy's
    single-quoted string."""
    emergency, hotline = texts.values["emergency"], texts.values["hotline"]
    title = html.escape(page_title or texts.text("web.page_title", texts.default_language))
    sentences = "".join(f'<p lang="{code}" dir="{texts.direction(code)}">'
                        f'{html.escape(texts.text("web.error", code))}</p>' for code in texts.languages)
    numbers = (f'<p><a href="tel:{emergency}">{emergency}</a> · '
               f'<a href="tel:{hotline.replace(" ", "")}">{html.escape(hotline)}</a></p>')
    return (f'<!doctype html><html><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f"<title>{title}</title><body>{sentences}{numbers}</body></html>")


def config(bind: str, servers: Sequence[tuple[str, str]], texts: Texts, resolver: str | None = None,
           page_title: str | None = None) -> str:
    """`bind` (address:port) in front of `servers` (name, address:port); `texts` and `page_title`
    (HAVN_PAGE_TITLE) for the page shown when none is up. `resolver`: a DNS server (address:port) that names the
    servers, as Docker's does; HAProxy then starts even before they exist and follows their addresses when they
    are restarted."""
    resolvers = ["", "resolvers dns", f"    nameserver dns {resolver}", "    hold valid 10s"] if resolver else []
    server_options = f"check inter {CHECK_SECONDS}s fall 3 rise 2"
    if resolver:
        server_options += " resolvers dns init-addr last,libc,none"
    lines = [
        "# HAProxy in front of the havn app instances (bot/haproxy.py; docs/scale.md, \"The scaled stack\").",
        "global",
        "    maxconn 4096",
        *resolvers,
        "",
        "defaults",
        "    mode http",
        "    option forwardfor",
        "    option redispatch",
        "    retries 2",
        "    timeout connect 5s",
        "    timeout http-request 10s",
        "    timeout client 60s",
        "    timeout server 60s",
        f"    timeout tunnel {TUNNEL_TIMEOUT}",
        f"    timeout check {CHECK_TIMEOUT}",
        f'    http-error status 503 content-type "text/html; charset=utf-8" '
        f"string '{no_server_page(texts, page_title)}'",
        "",
        "frontend web",
        f"    bind {bind}",
        "    default_backend apps",
        "",
        "backend apps",
        "    balance leastconn",
        "    option httpchk",
        "    http-check send meth GET uri /healthz",
        "    http-check expect status 200",
        f"    default-server {server_options}",
        *(f"    server {name} {address}" for name, address in servers),
    ]
    return "\n".join(lines) + "\n"
