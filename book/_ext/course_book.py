"""A small Sphinx extension for the book's pages: fixes that make them work offline.

- Jupyter Book registers the sphinx-thebe and togglebutton set-up scripts twice; the second
  `const THEBE_JS_URL` is a SyntaxError in every page. Duplicates are dropped.
- Thebe (live code through a remote kernel) cannot work offline, so its scripts are dropped.
"""

from __future__ import annotations


def _key(script) -> tuple:
    """Identity of a script entry: its file name (or inline body) and its attributes."""
    return (str(script), tuple(sorted((k, str(v)) for k, v in script.attributes.items())))


def _clean_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        body = script.attributes.get("body", "")
        if "thebe" in str(script) or "THEBE_JS_URL" in body:
            continue
        key = _key(script)
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", _clean_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
