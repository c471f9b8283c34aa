"""The storefront's stylesheet: Oscar's oscar/css/styles.css (all of Bootstrap 4 and
Oscar's rules, render-blocking on every page) trimmed by PurgeCSS to the rules the
shop's templates, form widgets and scripts can use (settings in purgecss.config.cjs).

The result is committed as shop/static/shop/css/storefront.css, so serving the site
needs no npm. Regenerate it after changing templates or upgrading Oscar:

    make storefront-css      (.venv/bin/python -m shop.storefront_css)

`make test` checks that the committed file is what this would write now.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import django
import oscar

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "shop" / "static" / "shop" / "css" / "storefront.css"
PURGECSS = ROOT / "node_modules" / ".bin" / "purgecss"
CONFIG = "purgecss.config.cjs"
OSCAR_DIR = Path(oscar.__file__).resolve().parent
DJANGO_DIR = Path(django.__file__).resolve().parent

HEADER = f"""\
/* GENERATED FILE, do not edit: `make storefront-css` writes it.
 * django-oscar {oscar.get_version()}'s oscar/css/styles.css (Bootstrap 4 and Oscar's rules)
 * without the rules no storefront page uses, by PurgeCSS with purgecss.config.cjs. */
"""


def build() -> str:
    """Run PurgeCSS; return the stylesheet as it should be committed."""
    run = subprocess.run(
        [str(PURGECSS), "--config", CONFIG],
        cwd=ROOT,
        env={**os.environ, "OSCAR_DIR": str(OSCAR_DIR), "DJANGO_DIR": str(DJANGO_DIR)},
        capture_output=True,
        text=True,
        check=True,
    )
    [result] = json.loads(run.stdout)
    css = result["css"]
    # The source map describes the untrimmed file, and there is none beside this one.
    css = re.sub(r"\s*/\*# sourceMappingURL=[^*]*\*/", "", css)
    # Relative URLs (Font Awesome's fonts) still point into Oscar's static folder.
    css = css.replace('url("../', 'url("../../oscar/')
    # @charset must stay the file's very first rule, so the header follows it.
    charset, css = re.match(r'(@charset "UTF-8";\n)?(.*)', css, re.DOTALL).groups()
    return (charset or "") + HEADER + css.strip() + "\n"


def main() -> int:
    if not PURGECSS.exists():
        print("PurgeCSS is missing: run npm ci (make node_modules/.installed).")
        return 2
    OUTPUT.write_text(build())
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
