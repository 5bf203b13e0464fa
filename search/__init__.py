"""Spravka search core: content loading, Russian analysis, Whoosh index, ranking, deflection.

Plain Python; never imports Flask. The web layer talks to it through
:class:`search.engine.SearchEngine`.
"""
