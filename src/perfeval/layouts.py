"""Form layouts (版式): one record per layout of the 项目支出绩效自评表.

A profile names its layout (``layout: national``); loading a profile with a
layout that is not registered here is a profile error, so an unknown layout can
never silently render the national form.  The record holds what differs between
layouts in the shared view (:func:`perfeval.render.context.form_view`); the
templates ``_form_<name>.html`` / ``_form_<name>.md`` and the Excel grid
(``render/xlsx.py`` ``GRIDS[name]``) draw it.

Add a layout: register it here, write its two template partials and its grid
(or reuse a grid, ``grid=``), and point a profile at it (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    name: str  # as written in profiles (``layout:``)
    title: str  # the form's title
    total_label: str  # label of the funds total row
    source_dash: str  # what the 其中 rows show in the 分值/得分 cells
    target_cells: bool = False  # 指标性质 / 指标值 / 度量单位 in three cells (Sichuan 510000_0013zp)
    grid: str = ""  # the Excel grid builder (render/xlsx.py GRIDS); default: the layout's name
    source: str = ""  # where the layout comes from

    @property
    def grid_name(self) -> str:
        return self.grid or self.name


LAYOUTS: dict[str, Layout] = {}
DEFAULT_LAYOUT = "national"


def register(layout: Layout) -> Layout:
    if layout.name in LAYOUTS:
        raise ValueError(f"layout {layout.name!r} registered twice")
    LAYOUTS[layout.name] = layout
    return layout


def get_layout(name: str | None) -> Layout:
    """The registered layout (the national one for a result record that names none)."""
    return LAYOUTS[name or DEFAULT_LAYOUT]


register(Layout("national", "项目支出绩效自评表", "年度资金总额", "-", source="财预〔2020〕10号 附件1"))
register(Layout("sichuan", "部门预算项目支出绩效自评表", "总额", "/", target_cells=True, source="四川省 510000_0013zp"))
