"""Seller help center pages (home, search, categories, entries)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("help", __name__)


@bp.get("/")
def home():
    """Home page: the search box and the categories."""
    return render_template("base.html")
