"""Spravka web layer: Flask app factory, blueprints, templates, static files and CLI."""

from web.app import create_app

__all__ = ["create_app"]
