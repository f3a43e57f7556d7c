"""Real source files for tests: PDFs typeset by WeasyPrint, workbooks written by openpyxl
(with the cached values a spreadsheet program stores), saved web pages."""

from __future__ import annotations

import io
import re
import zipfile

PDF_STYLE = "@page { size: A5; margin: 15mm } body { font: 10pt 'DejaVu Sans' }"


def pdf_from_html(body: str, style: str = "") -> bytes:
    """A PDF typeset by WeasyPrint from an HTML body."""
    import weasyprint

    html = f"<html lang='en'><style>{PDF_STYLE} {style}</style><body>{body}</body></html>"
    return weasyprint.HTML(string=html).write_pdf()


FILING_PDF_BODY = """
<h1>Example Holdings annual results 2024</h1>
<p>Revenue reached RMB 12.5 billion in 2024, up 15.3% year on year.</p>
<p style="break-before: page">Gross margin improved to 40.1% in 2024 as cloud costs fell.</p>
<p>Capital expenditure was RMB 3.2 billion in 2024.</p>
"""

TWO_COLUMN_BODY = """
<h1>Semiconductor review</h1>
<div style="columns: 2; hyphens: auto; text-align: justify">
<p>Internationalization of the semiconductor supply chain accelerated considerably
throughout the reporting period, and the company's capital expenditure increased to
58.86 billion USD, representing extraordinarily strong momentum in infrastructure
investments across multiple geographies.</p>
<p>In the second column, management guided that wafer capacity utilisation would
average 92% in 2025, supported by incomprehensibly persistent demand for accelerators.</p>
</div>
"""

# A page with a picture of text and no text layer, as a scanner makes it.
SCANNED_BODY = ("<img style='width: 100mm; height: 60mm' src='data:image/svg+xml;utf8,"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"60\">"
                "<rect width=\"100\" height=\"60\" fill=\"%23ddd\"/></svg>'>")


def workbook(rows: dict[str, list[list[object]]], formats: dict[str, str] | None = None,
             cached: dict[str, object] | None = None) -> bytes:
    """An .xlsx written by openpyxl. `formats` sets number formats ('Model!C3': '0.0%');
    `cached` stores the value a spreadsheet program would have saved for a formula cell."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, sheet_rows in rows.items():
        sheet = book.create_sheet(name)
        for row in sheet_rows:
            sheet.append(row)
    for where, number_format in (formats or {}).items():
        name, _, reference = where.partition("!")
        book[name][reference].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    return with_cached_values(data, cached or {}, list(rows)) if cached else data


def with_cached_values(xlsx: bytes, values: dict[str, object], sheet_names: list[str]) -> bytes:
    """The workbook with each formula cell's saved value stored (<v>), as Excel writes it."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
            if match:
                name = sheet_names[int(match.group(1)) - 1]
                text = data.decode("utf-8")
                for where, value in values.items():
                    sheet, _, reference = where.partition("!")
                    if sheet != name:
                        continue
                    pattern = rf'(<c r="{reference}"[^>]*>)(<f>[^<]*</f>)(<v>[^<]*</v>|<v\s*/>)?'
                    text, count = re.subn(pattern, rf"\g<1>\g<2><v>{value}</v>", text)
                    assert count == 1, f"no formula cell {where} in the workbook"
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


MODEL_ROWS = {"Model": [
    ["Example Holdings", None, "FY2024A", "FY2025E", "FY2026E"],
    ["Revenue (RMB bn)", None, 12.5, 14.2, "=D2*1.1"],
    ["Revenue growth", None, 0.153, "=D2/C2-1", None],
    ["EPS (RMB)", None, 2.1, 2.46, 2.81],
]}
MODEL_FORMATS = {"Model!C3": "0.0%", "Model!D3": "0.0%"}
MODEL_CACHED = {"Model!E2": 15.62, "Model!D3": 0.136}

WEB_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Chipmakers race to add capacity</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/markets">Markets</a> | Subscribe for 99% off</nav>
<article>
<h1>Chipmakers race to add capacity</h1>
<p class="byline">By A. Reporter, 3 March 2025</p>
<p>Foundries plan to lift spending sharply this year. Example Foundry said its capital
expenditure would rise 25% in 2025 as it adds advanced-node capacity.</p>
<p>Analysts expect utilisation to stay above 90% through the year, helped by orders for
AI accelerators and a recovery in smartphone demand.</p>
</article>
<footer>Copyright 2025 Example News. Cookie settings.</footer>
</body></html>
"""


# The metadata and one claim of the saved web page WEB_PAGE.
PAGE_YAML = """\
source:
  title: Chipmakers race to add capacity
  publisher: Example News
  date: 2025-03-03
  language: en
  kind: web-page
  url: https://news.example.invalid/chipmakers
claims:
  - id: foundry-capex-2025
    text: Example Foundry plans 25% higher capex in 2025.
    kind: forecast
    data:
      - {metric: capex-yoy, entity: Example Foundry, period: "2025", value: 25, unit: "%"}
    source:
      quote: "its capital expenditure would rise 25% in 2025"
"""
