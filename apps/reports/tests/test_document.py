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
