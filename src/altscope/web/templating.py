"""The Jinja2 environment every page shares (autoescaping on for all templates)."""

from __future__ import annotations

from importlib.resources import files

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES_DIR = str(files("altscope.web") / "templates")

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=environment)
