"""The versioned JSON API for the mobile app (/api/v1) and its personal access tokens."""
