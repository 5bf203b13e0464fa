"""Response headers every page gets, HTTPS settings and the trusted reverse proxies."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts and styles only from our own static files: an injected <script> or style=""
# does nothing. JSON data blocks (<script type="application/json">) are not run, so
# they need no exception. data: images: the empty favicon.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Pages with someone's own data; a shared computer's cache or back button must not keep them.
PRIVATE_PREFIXES = ("/dialogs", "/agent", "/editor", "/account", "/login", "/api/dialogs")
# A year, the preload lists' minimum; only sent when the HTTPS setting says we are on HTTPS.
HSTS = "max-age=31536000; includeSubDomains"


def init_security(app: Flask) -> None:
    """Trust the configured proxies, set cookie flags for HTTPS, add headers to every page."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Each trusted proxy appends one address; only that many from the right are believed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    app.after_request(_security_headers)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    # Framed, «Завершить без ответа» or «Это решило мой вопрос» could be clicked unknowingly.
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Search queries and dialog numbers are in URLs; links out to other sites get neither.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if g.get("user") is not None or request.path.startswith(PRIVATE_PREFIXES):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    if current_app.config["HTTPS"]:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
