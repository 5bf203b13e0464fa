"""Accounts wing: users and roles, login and logout, login throttling, demo accounts."""
