"""The printable document of a yearly report: a PDF with the headline figures, a table per
domain, the breakdown by child region (with the region's own level, 本级, by the workbook's rule
``indicators.direct_value`` and its note) and the dashboard's charts, in an embedded Chinese font."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from apps.core.models import Region

from . import indicators
from .excel import region_names
from .seed import SEED_FIGURES

# fontTools logs every subsetting step at INFO
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Fonts tried in order (settings.REPORTS_CJK_FONT first); a .ttc gives its first face.
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]

HEADLINE_CODES = [
    "org.unions",
    "org.members",
    "comp.participating_workers",
    "mw.model_workers",
    "hs.households_aided",
    "hs.aid_amount",
    "ins.covered_workers",
    "ins.payout_amount",
    "svc.jinqiu_students",
    "svc.warmth_households",
    "svc.employment_services",
    "svc.wage_amount",
]
# The breakdowns by child region: (heading, codes), one table each.
BREAKDOWNS = [
    (
        "分地区情况",
        ["org.unions", "org.members", "comp.participating_units", "hs.aid_amount", "ins.covered_workers"],
    ),
    (
        "分地区情况（普惠服务与维权）",
        [
            "svc.jinqiu_students",
            "svc.warmth_households",
            "svc.employment_services",
            "svc.training_attendance",
            "svc.wage_amount",
            "svc.loans",
        ],
    ),
]
CHART_CODES = ["org.members", "hs.aid_amount", "svc.employment_services"]
SEED_HEADER = "工作报告数据"
BAR_COLOR = (84, 112, 198)


def find_cjk_font() -> Path | None:
    configured = getattr(settings, "REPORTS_CJK_FONT", "") or ""
    for candidate in [configured, *FONT_CANDIDATES]:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def simplified_chinese_face(path: Path) -> int:
    """The index of the Simplified Chinese face in a font collection (.ttc), else 0."""
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            name = font["name"].getDebugName(1) or ""
            if name.endswith((" SC", " GB")) or "Hans" in name:
                return index
    finally:
        collection.close()
    return 0


def fmt(code: str, value: Any) -> str:
    number = indicators.parse_value(code, value)
    if isinstance(number, Decimal):
        return f"{number:,.2f}"
    return f"{number:,}"


def render_document(data: dict[str, Any]) -> bytes | None:
    """The PDF, or None when no Chinese font is installed (nothing would render)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    heading = FontFace(emphasis="", fill_color=(220, 230, 241))

    font = find_cjk_font()
    if font is None:
        return None
    names = region_names([data["region"]] + [c["region"] for c in data["children"]])
    region_name = names.get(data["region"], data["region"])
    title = f"{region_name}{data['year']}年度工会工作统计报告"

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(dt.datetime(int(data["year"]) + 1, 1, 1, tzinfo=dt.UTC))
    pdf.set_title(title)
    pdf.set_author("Gonghui")
    pdf.add_font("cjk", "", str(font), collection_font_number=simplified_chinese_face(font))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 12, title, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=10)
    pdf.cell(
        0,
        6,
        f"统计年度：{data['year']}年    地区：{region_name}（{data['region']}）",
        new_x="LMARGIN",
        new_y="NEXT",
        align="C",
    )
    pdf.ln(4)

    ind = data["indicators"]
    present = [c for c in HEADLINE_CODES if c in ind]
    if present:
        pdf.set_font("cjk", size=13)
        pdf.cell(0, 8, "一、主要指标", new_x="LMARGIN", new_y="NEXT")
        width = (pdf.w - pdf.l_margin - pdf.r_margin) / 4
        for row_start in range(0, len(present), 4):
            chunk = present[row_start : row_start + 4]
            y = pdf.get_y()
            for n, code in enumerate(chunk):
                x = pdf.l_margin + n * width
                pdf.set_fill_color(240, 244, 250)
                pdf.rect(x + 1, y, width - 2, 18, style="F")
                pdf.set_xy(x + 1, y + 1)
                pdf.set_font("cjk", size=8)
                pdf.cell(width - 2, 6, indicators.BY_CODE[code].name, align="C")
                pdf.set_xy(x + 1, y + 8)
                pdf.set_font("cjk", size=12)
                pdf.cell(width - 2, 8, fmt(code, ind[code]), align="C")
            pdf.set_xy(pdf.l_margin, y + 21)
        pdf.ln(2)

    section = 2
    numerals = "一二三四五六七八九十"
    # The province's figures stand next to the seed report's (SEED_FIGURES) where it has them.
    seeded = data["region"] == _province_code()
    for domain, domain_name in indicators.DOMAIN_NAMES.items():
        rows = [i for i in indicators.indicators_of(domain) if i.code in ind]
        if not rows:
            continue
        pdf.set_font("cjk", size=13)
        pdf.cell(0, 9, f"{numerals[section - 1]}、{domain_name}", new_x="LMARGIN", new_y="NEXT")
        section += 1
        pdf.set_font("cjk", size=9)
        seed = seeded and any(i.code in SEED_FIGURES for i in rows)
        with pdf.table(
            col_widths=(100, 45, 35) if seed else (110, 70),
            text_align=("LEFT", "RIGHT", "RIGHT") if seed else ("LEFT", "RIGHT"),
            line_height=6,
            headings_style=heading,
        ) as table:
            head = table.row()
            head.cell("指标")
            head.cell(region_name)
            if seed:
                head.cell(SEED_HEADER)
            for i in rows:
                row = table.row()
                row.cell(i.name)
                row.cell(fmt(i.code, ind[i.code]))
                if seed:
                    row.cell(fmt(i.code, SEED_FIGURES[i.code]) if i.code in SEED_FIGURES else "—")
        pdf.ln(3)

    children = data["children"]
    for title, wanted in BREAKDOWNS:
        codes = [c for c in wanted if c in ind]
        if not (children and codes):
            continue
        pdf.add_page()
        pdf.set_font("cjk", size=13)
        pdf.cell(0, 9, f"{numerals[section - 1]}、{title}", new_x="LMARGIN", new_y="NEXT")
        section += 1
        pdf.set_font("cjk", size=8)
        with pdf.table(
            text_align=("LEFT",) + ("RIGHT",) * len(codes), line_height=5, headings_style=heading
        ) as table:
            head = table.row()
            head.cell("地区")
            for code in codes:
                head.cell(indicators.BY_CODE[code].name)
            for child in children:
                row = table.row()
                row.cell(names.get(child["region"], child["region"]))
                for code in codes:
                    row.cell(fmt(code, child["indicators"].get(code, 0)))
            row = table.row()
            row.cell(indicators.DIRECT_HEADER)
            for code in codes:
                direct = indicators.direct_value(code, data)
                row.cell("" if direct is None else fmt(code, direct))
            row = table.row()
            row.cell("合计")
            for code in codes:
                row.cell(fmt(code, ind[code]))
        pdf.set_font("cjk", size=7)
        pdf.multi_cell(0, 4, indicators.direct_note(codes), new_x="LMARGIN", new_y="NEXT")
        for code in CHART_CODES:
            if code in codes:
                _bar_chart(pdf, names, children, code)
    return bytes(pdf.output())


def _province_code() -> str | None:
    return Region.objects.filter(parent__isnull=True).order_by("code").values_list("code", flat=True).first()


def _bar_chart(pdf: Any, names: dict[str, str], children: list[dict], code: str) -> None:
    """A horizontal bar chart of one indicator over the child regions (as on the dashboard)."""
    values = [
        (
            names.get(c["region"], c["region"]),
            float(indicators.parse_value(code, c["indicators"].get(code, 0))),
        )
        for c in children
    ]
    bar_h, gap = 5, 1.5
    height = 12 + len(values) * (bar_h + gap)
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 8, f"图：{indicators.BY_CODE[code].name}（按地区）", new_x="LMARGIN", new_y="NEXT")
    top = max((v for _n, v in values), default=0) or 1
    label_w = 35
    full = pdf.w - pdf.l_margin - pdf.r_margin - label_w - 30
    pdf.set_font("cjk", size=8)
    for name, value in values:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w, bar_h, name, align="R")
        pdf.set_fill_color(*BAR_COLOR)
        width = full * value / top
        if width > 0:
            pdf.rect(pdf.l_margin + label_w + 2, y + 0.5, width, bar_h - 1, style="F")
        pdf.set_xy(pdf.l_margin + label_w + 4 + width, y)
        pdf.cell(26, bar_h, f"{value:,.2f}" if indicators.BY_CODE[code].amount else f"{int(value):,}")
        pdf.set_xy(pdf.l_margin, y + bar_h + gap)
