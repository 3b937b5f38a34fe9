"""The jinja2 environment: packaged templates, a user's override directory, escaping filters.

* One :class:`jinja2.Environment` per template directory per process
  (:func:`environment` is cached): each template is compiled once, however many
  projects are rendered.
* ``--templates DIR``: a template found in ``DIR`` wins; anything not there
  comes from the packaged set (``perfeval/templates``), so a user copies only
  the files they change.
* Autoescape is on for ``*.html`` templates; Markdown templates use the
  ``md`` / ``mdcell`` filters.  ``StrictUndefined``: a misspelt variable in a
  template is an error, not an empty cell.
* User text is only ever passed to templates as data; it is never compiled as
  a template (no ``from_string`` on anything that came from a submission).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import jinja2

PACKAGED_DIR = Path(__file__).resolve().parent.parent / "templates"


class TemplateProblem(Exception):
    """A template that cannot be used; the message (Chinese) becomes issue PE700."""


def _autoescape(name: str | None) -> bool:
    return name is not None and name.rsplit(".", 1)[-1].lower() in ("html", "htm", "xml")


# ASCII punctuation Markdown may act on; "_" only where it could start or end emphasis (not inside a word)
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#~&]|(?<!\w)_|_(?!\w))")
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.MULTILINE)


def md_escape(value: object) -> str:
    """Text shown literally by a Markdown renderer (CommonMark/GFM); newlines become hard breaks."""
    s = _MD_SPECIAL.sub(r"\\\1", str(value).replace("\r\n", "\n"))
    s = _MD_LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if not m.group(2)[0].isdigit() else m.group(2) + "\\"), s)
    return s.replace("\n", "  \n")


def md_cell(value: object) -> str:
    """Text for one Markdown table cell: escaped, on one line."""
    s = _MD_SPECIAL.sub(r"\\\1", str(value)).replace("\r\n", "\n")
    return s.replace("\n", "<br>").strip()


@lru_cache(maxsize=16)
def _environment(user_dir: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if user_dir:
        loaders.append(jinja2.FileSystemLoader(user_dir))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGED_DIR)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # packaged templates never change while running; a user's directory may be edited between renders
        auto_reload=bool(user_dir),
    )
    env.filters["md"] = md_escape
    env.filters["mdcell"] = md_cell
    return env


def environment(templates_dir: str | os.PathLike | None = None) -> jinja2.Environment:
    """The cached environment for the packaged templates, optionally overridden by ``templates_dir``."""
    if templates_dir is None:
        return _environment(None)
    d = Path(templates_dir)
    if not d.is_dir():
        raise TemplateProblem(f"模板目录不存在或不是目录：{d}")
    return _environment(str(d.resolve()))


def render_template(name: str, templates_dir: str | os.PathLike | None = None, **ctx: object) -> str:
    """Render one template; any template error becomes :class:`TemplateProblem`."""
    env = environment(templates_dir)
    try:
        text = env.get_template(name).render(**ctx)
        return text if text.endswith("\n") else text + "\n"
    except jinja2.TemplateSyntaxError as e:
        where = f"{e.filename or e.name or name}:{e.lineno}"
        raise TemplateProblem(f"模板语法错误（{where}）：{e.message}") from None
    except jinja2.TemplateNotFound as e:
        raise TemplateProblem(f"找不到模板：{e.name}") from None
    except jinja2.UndefinedError as e:
        raise TemplateProblem(f"模板使用了不存在的变量（模板 {name}）：{e.message}") from None
    except jinja2.TemplateError as e:
        raise TemplateProblem(f"模板错误（模板 {name}）：{e}") from None
    except Exception as e:  # an error raised while running a user's template is the template's, not ours
        if templates_dir is None:
            raise
        raise TemplateProblem(f"模板运行出错（模板 {name}）：{type(e).__name__}: {e}") from None
