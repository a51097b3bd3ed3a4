"""Server-rendered pages (Jinja2): start page, details pages, feeds."""
