import shutil
import subprocess

import pytest

from apps.core.tests.factories import region
from apps.reports import document, indicators

needs_font = pytest.mark.skipif(
    document.find_cjk_font() is None, reason="no CJK font installed (fonts-noto-cjk)"
)


@needs_font
def test_the_pdf_holds_the_chinese_title_headline_and_domain_tables(data, tmp_path):
    report = indicators.build_report(year=2024, region=region("620000"))
    pdf = document.render_document(report)
    assert pdf[:5] == b"%PDF-"
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "甘肃省2024年度工会工作统计报告" in text
    assert "组织建设" in text
    assert "基层工会组织数" in text
    assert "兰州市" in text  # the breakdown by prefecture
    assert "图：工会会员数（按地区）" in text


def test_without_a_chinese_font_no_pdf_is_written(data, settings, monkeypatch):
    monkeypatch.setattr(document, "FONT_CANDIDATES", [])
    settings.REPORTS_CJK_FONT = ""
    assert document.render_document(indicators.build_report(year=2024, region=region("620102"))) is None


@needs_font
def test_the_breakdown_has_the_direct_row_by_the_workbook_rule_with_its_note(db, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    # given Lanzhou: 6 unions, 5 in two counties (1 at Lanzhou itself), and a distinct count
    data = {
        "year": 2024,
        "region": "620100",
        "indicators": {"org.unions": 6, "org.members": 9, "ins.covered_workers": 7},
        "children": [
            {"region": "620102", "indicators": {"org.unions": 3, "org.members": 5, "ins.covered_workers": 4}},
            {"region": "620103", "indicators": {"org.unions": 2, "org.members": 4, "ins.covered_workers": 4}},
        ],
    }
    path = tmp_path / "r.pdf"
    path.write_bytes(document.render_document(data))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.split()}
    # then 本级 holds the unions at Lanzhou itself (1), members 0 shown as 0, the distinct count blank
    assert rows["本级"] == ["1", "0"]
    assert rows["合计"] == ["6", "9", "7"]
    assert [
        indicators.direct_value(c, data) for c in ("org.unions", "org.members", "ins.covered_workers")
    ] == [
        1,
        0,
        None,
    ]
    flat = "".join(text.split())
    assert (
        "".join(indicators.direct_note(["org.unions", "org.members", "ins.covered_workers"]).split()) in flat
    )
    assert "参保职工数按去重计数" in flat
