"""Editor wing: the content editor, its forms, file edits, FAQ YAML surgery and scaffolding."""
