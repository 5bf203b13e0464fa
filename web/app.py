"""The application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from web.accounts.demo import ensure_demo_accounts
from web.broadcast import init_broadcast
from web.channels.outbox import init_outbox
from web.database import init_database
from web.dialogs.uploads import request_cap_bytes
from web.errors import register_error_handlers
from web.filters import register_template_filters
from web.limits import init_limits
from web.migrate import upgrade_database
from web.search_service import init_search
from web.security import init_security
from web.serving import startup_lock
from web.settings import load_settings

csrf = CSRFProtect()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a Spravka app; `config` overrides the defaults and SPRAVKA_* variables."""
    settings = load_settings(config)
    app = Flask(__name__, instance_path=settings["INSTANCE"])
    app.config.update(settings)
    app.config.update(
        MAX_CONTENT_LENGTH=request_cap_bytes(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        JSON_AS_ASCII=False,
    )
    # A seller may spend well over an hour on a dialog with files; a token that expires
    # after Flask-WTF's default hour would throw the whole form away. The token stays bound
    # to the session, which is what stops cross-site posts.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.json.ensure_ascii = False
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    csrf.init_app(app)
    init_database(app)
    init_limits(app)
    init_security(app)
    if app.config.get("PREPARED"):
        init_search(app)  # `spravka serve` migrated and built the index before forking us
    else:
        with startup_lock(app.instance_path):  # several processes may start at once
            upgrade_database(app)
            ensure_demo_accounts(app)
            init_search(app)
    init_broadcast(app)
    # Each process sends due mail; rows are claimed, so no mail goes out twice.
    init_outbox(app)
    register_error_handlers(app)
    register_template_filters(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from web.accounts import views as accounts
    from web.analytics import views as analytics
    from web.api import (
        dialog_views,  # noqa: F401  (its routes join the api_v1 blueprint)
        profile_views,
    )
    from web.api import views as api_v1
    from web.api.auth import TokenOnlySessions
    from web.api.errors import install_error_renderer
    from web.dialogs import agent_actions, agent_views, form_views, stats_views
    from web.dialogs import views as dialogs
    from web.editor import views as editor
    from web.help import api
    from web.help import views as help_center

    blueprints = (
        api, help_center, accounts, dialogs, form_views, agent_views, agent_actions, stats_views,
        editor, analytics,
    )  # fmt: skip
    for module in blueprints:
        app.register_blueprint(module.bp)
    # /api/v1 signs in by bearer token only: no cookie session, so no CSRF either.
    csrf.exempt(api_v1.bp)
    app.register_blueprint(api_v1.bp)
    app.register_blueprint(profile_views.bp)
    app.session_interface = TokenOnlySessions()
    install_error_renderer(app)
