"""``/docs``: the API reference rendered on the server from the OpenAPI schema.

FastAPI's own Swagger UI loads its scripts from a CDN; altscope's pages contact no third-party
host, so the reference is plain HTML (the machine-readable schema is ``/openapi.json``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from altscope.web.templating import environment

router = APIRouter(include_in_schema=False)

PAGE = """{% extends "base.html" %}
{% block title %}API · altscope{% endblock %}
{% block content %}
<h1>{{ title }} API {{ version }}</h1>
<p>The OpenAPI schema: <a href="/openapi.json">/openapi.json</a>. Guide: docs/api.md
(keys, rate limits, caching, the Altmetric v1 compatibility table).</p>
{% for tag, operations in groups %}
<section class="api-tag">
<h2>{{ tag }}</h2>
{% for op in operations %}
<article class="api-operation" id="{{ op.id }}">
<h3><code>{{ op.method }} {{ op.path }}</code></h3>
{% if op.summary %}<p>{{ op.summary }}</p>{% endif %}
{% if op.description %}<p>{{ op.description }}</p>{% endif %}
{% if op.parameters %}<table><thead><tr><th>parameter</th><th>in</th><th>required</th>
<th>meaning</th></tr></thead><tbody>
{% for p in op.parameters %}<tr><td><code>{{ p.name }}</code></td><td>{{ p["in"] }}</td>
<td>{{ "yes" if p.required else "no" }}</td><td>{{ p.description or "" }}</td></tr>
{% endfor %}</tbody></table>{% endif %}
<p>Answers: {% for code, answer in op.responses %}<code>{{ code }}</code>
{{ answer.description }}{% if not loop.last %}; {% endif %}{% endfor %}</p>
</article>
{% endfor %}
</section>
{% endfor %}
{% endblock %}"""


def _groups(schema: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            tag = (op.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary"),
                    "description": op.get("description"),
                    "parameters": op.get("parameters", []),
                    "responses": sorted(op.get("responses", {}).items()),
                }
            )
    return sorted(groups.items())


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    info = schema.get("info", {})
    html = environment.from_string(PAGE).render(
        title=info.get("title", "altscope"),
        version=info.get("version", ""),
        groups=_groups(schema),
    )
    return HTMLResponse(html)
