"""Help wing: the help-center pages, /api/search and the public JSON endpoints, page builders."""
