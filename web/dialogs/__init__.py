"""Dialogs wing: sellers' and agents' support dialogs, their forms, models, store and uploads."""
