"""Checks a page must pass: the Nu Html Checker (vnu-jar) and axe-core.

Both come from the npm packages in package.json (`make test` installs them).
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def missing() -> str | None:
    if not VNU_JAR.exists() or not AXE_JS.exists():
        return "needs the npm page-check packages: npm ci (make test runs it)"
    if not shutil.which("java"):
        return "needs Java for the Nu Html Checker"
    return None


def html_errors(pages: dict[str, bytes]) -> dict[str, list[str]]:
    """Validate several documents in one checker run; return the errors of each."""
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, body in pages.items():
            path = Path(tmp) / f"{len(files)}.html"
            path.write_bytes(body)
            files[path.name] = name
        out = subprocess.run(
            [
                "java",
                "-jar",
                str(VNU_JAR),
                "--format",
                "json",
                "--exit-zero-always",
                *(str(Path(tmp) / f) for f in files),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    errors = {name: [] for name in pages}
    for message in json.loads(out.stderr)["messages"]:
        if message["type"] == "error":
            name = files[message["url"].rsplit("/", 1)[-1]]
            errors[name].append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


def axe_violations(page) -> list[str]:
    """Run axe-core in the page. Evaluated through the DevTools protocol, it needs no
    hole in the page's Content-Security-Policy."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
    ]
