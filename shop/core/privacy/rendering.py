"""An export as files a person can open: JSON, and plain text to read."""

import json

from django.http import HttpResponse
from django.utils import timezone


def as_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def as_text(data: dict) -> str:
    lines = [
        "What SimplyJnJ keeps about you",
        f"Address: {data['address']}",
        f"Exported: {data['exported_at']}",
        "",
    ]
    for section, records in data["data"].items():
        lines.append(f"== {section.capitalize()} ({len(records)}) ==")
        if not records:
            lines.append("  nothing")
        for number, record in enumerate(records, 1):
            lines.append(f"  #{number}")
            lines += _lines(record, indent=4)
        lines.append("")
    return "\n".join(lines)


def _lines(value, indent: int) -> list[str]:
    pad = " " * indent
    out = []
    for key, item in value.items():
        label = key.replace("_", " ")
        if isinstance(item, dict):
            out.append(f"{pad}{label}:")
            out += _lines(item, indent + 2)
        elif isinstance(item, list):
            out.append(f"{pad}{label}: {'none' if not item else ''}".rstrip())
            for element in item:
                if isinstance(element, dict):
                    out.append(f"{pad}  -")
                    out += _lines(element, indent + 4)
                else:
                    out.append(f"{pad}  - {element}")
        else:
            text = "" if item is None else str(item)
            out.append(f"{pad}{label}: {text}".rstrip())
    return out


def download(data: dict, fmt: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y-%m-%d")
    if fmt == "json":
        body, content_type, ext = as_json(data), "application/json", "json"
    else:
        body, content_type, ext = as_text(data), "text/plain; charset=utf-8", "txt"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="simplyjnj-my-data-{stamp}.{ext}"'
    return response
