"""Sources as analysts receive them: PDFs, saved web pages and spreadsheets, each proved
against the real file (made by WeasyPrint and openpyxl), each failure at its position."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from sectornotes.loaded.project import load_project

from .conftest import edit_file, replaced, snapshot
from .sourcefiles import (
    FILING_PDF_BODY,
    MODEL_CACHED,
    MODEL_FORMATS,
    MODEL_ROWS,
    PAGE_YAML,
    SCANNED_BODY,
    TWO_COLUMN_BODY,
    WEB_PAGE,
    pdf_from_html,
    workbook,
)

pytestmark = pytest.mark.slow  # real PDFs and workbooks

FILING_YAML = """\
source:
  title: Example Holdings annual results 2024
  publisher: Example Holdings
  date: 2025-03-20
  language: en
  kind: company-filing
claims:
  - id: example-revenue-2024
    text: Example Holdings' revenue grew 15.3% in 2024.
    kind: fact
    data:
      - {metric: revenue-yoy, entity: Example Holdings, period: "2024", value: 15.3, unit: "%"}
    source:
      quote: "Revenue reached RMB 12.5 billion in 2024, up 15.3% year on year."
  - id: example-margin-2024
    text: Example Holdings' gross margin rose to 40.1% in 2024.
    kind: fact
    source:
      quote: "Gross margin improved to 40.1% in 2024"
      page: 2
"""

COLUMNS_YAML = """\
source:
  title: Semiconductor review
  publisher: Example Securities
  date: 2025-03-01
  language: en
  kind: research-note
claims:
  - id: hyphenated-momentum
    text: Momentum in infrastructure investment was strong.
    kind: opinion
    source:
      quote: "representing extraordinarily strong momentum in infrastructure investments"
  - id: second-column-utilisation
    text: Management guided to 92% utilisation in 2025.
    kind: forecast
    source:
      quote: "wafer capacity utilisation would average 92% in 2025"
"""

MODEL_YAML = """\
source:
  title: Example Holdings model (illustrative)
  publisher: Example Research
  date: 2025-03-25
  language: en
  kind: model
claims:
  - id: example-revenue-2026e
    text: We forecast Example Holdings' revenue at RMB 15.6bn in 2026.
    kind: forecast
    data:
      - {metric: revenue, entity: Example Holdings, period: FY2026, value: 15.62, unit: RMB bn,
         cell: "Model!E2"}
  - id: example-growth-2025e
    text: We forecast revenue growth of 13.6% in 2025.
    kind: forecast
    data:
      - {metric: revenue-yoy, entity: Example Holdings, period: FY2025, value: 13.6, unit: "%",
         row: Revenue growth, column: FY2025E}
  - id: example-eps-2025e
    text: We forecast EPS of RMB 2.46 in 2025.
    kind: forecast
    data:
      - {metric: eps, entity: Example Holdings, period: FY2025, value: 2.46, unit: RMB,
         cell: D4}
"""

NOTE = """\
title: Example note
sector: tech
language: en
date: 2025-04-01
status: draft
rating: outperform
analysts: [lin-mei]
sections:
  - heading: Results
    body: |
      Revenue grew {example-revenue-2024} [@example-revenue-2024] and margin reached 40.1%
      [@example-margin-2024]. We see {example-eps-2025e} of EPS [@example-eps-2025e].
"""

def files(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "seeds/example-filing.pdf": pdf_from_html(FILING_PDF_BODY),
        "seeds/example-filing.yaml": FILING_YAML,
        "seeds/semis-review.pdf": pdf_from_html(TWO_COLUMN_BODY),
        "seeds/semis-review.yaml": COLUMNS_YAML,
        "seeds/example-model.xlsx": workbook(MODEL_ROWS, MODEL_FORMATS, MODEL_CACHED),
        "seeds/example-model.yaml": MODEL_YAML,
        "notes/example-note.yaml": NOTE,
    }
    base.update(overrides)
    return base


@pytest.fixture
def sources_project(make_project):
    root = make_project(files())
    edit_file(root / "house.yaml", "fiscal_year_ends:\n", "fiscal_year_ends:\n"
              "  Example Holdings: \"12-31\"\n")
    return root


def errors(root) -> list[str]:
    return [f.format() for f in load_project(root, cache=False).errors]


def test_every_kind_of_source_is_proved(sources_project):
    model = load_project(sources_project)
    assert model.ok, [f.format() for f in model.errors]
    claims = model.registry.claims
    assert claims["example-revenue-2024"].page == 1
    assert claims["example-margin-2024"].page == 2
    assert claims["hyphenated-momentum"].page == 1  # across 'mo‐/mentum' and 'in‐/vestments'
    assert claims["example-revenue-2026e"].evidence == {"cells": {"Model!E2": 15.62}}
    assert claims["example-growth-2025e"].evidence == {"cells": {"Model!D3": 0.136}}
    assert "FY2025E: 2.46 (Model!D4)" in claims["example-eps-2025e"].quoted


def test_a_quote_on_another_page_than_given_is_an_error(sources_project):
    edit_file(sources_project / "seeds/example-filing.yaml", "      page: 2", "      page: 1")
    assert "seeds/example-filing.yaml:20:13: error: claim 'example-margin-2024': source.page: " \
        "the quote is on p. 2 of seeds/example-filing.pdf, not p. 1; set page: 2" \
        in errors(sources_project)


def test_a_pdf_quote_that_is_not_there_names_the_closest_page(sources_project):
    edit_file(sources_project / "seeds/example-filing.yaml", "improved to 40.1%",
              "improved to 41.1%")
    found = [e for e in errors(sources_project) if "example-margin-2024" in e]
    assert len(found) == 1 and "quote not found in seeds/example-filing.pdf; closest passage " \
        "at p. 2 of seeds/example-filing.pdf" in found[0] and '(quote has "41.1%"' in found[0]
    # An extractor upgrade can change the text a quote is matched in: the error names it.
    import importlib.metadata

    assert (f"the text is pypdfium2 {importlib.metadata.version('pypdfium2')}'s extraction of "
            "the file: if this quote verified before that library was upgraded, the "
            "extraction changed, not the source") in found[0]


def test_a_pdf_without_a_text_layer_is_a_clear_error(make_project):
    root = make_project({"seeds/scan.pdf": pdf_from_html(SCANNED_BODY),
                         "seeds/scan.yaml": replaced(FILING_YAML, "example-", "scan-", count=0)})
    assert "seeds/scan.pdf:1:1: error: this PDF has no text layer (1 page(s) of images, e.g. a " \
        "scan); quotes cannot be verified against it. Use a PDF with text, or the publisher's " \
        "text version (sectornotes does no OCR)" in errors(root)


def test_a_corrupt_pdf_and_a_corrupt_workbook_are_clear_errors(make_project):
    root = make_project({"seeds/broken.pdf": b"%PDF-1.7\nnot really a pdf\n",
                         "seeds/broken.yaml": replaced(FILING_YAML, "example-", "broken-", count=0),
                         "seeds/model.xlsx": b"PK\x03\x04 truncated",
                         "seeds/model.yaml": MODEL_YAML})
    found = errors(root)
    assert any(e.startswith("seeds/broken.pdf:1:1: error: cannot read this PDF (") and
               e.endswith("export it again, or replace it with a copy that opens")
               for e in found), found
    assert any(e.startswith("seeds/model.xlsx:1:1: error: cannot read this workbook (")
               for e in found), found


@pytest.mark.parametrize(("old", "new", "where", "message"), [
    ('value: 15.62, unit: RMB bn,\n         cell: "Model!E2"',
     'value: 15.7, unit: RMB bn,\n         cell: "Model!E2"', "12:76",
     "claim 'example-revenue-2026e' data[0]: Model!E2 holds 15.62, not 15.7 (to 1 decimal "
     "place(s): 15.6)"),
    ('cell: "Model!E2"', 'cell: "Model!E9"', "13:16",
     "claim 'example-revenue-2026e' data[0]: Model!E9 is empty in seeds/example-model.xlsx; "
     "cite the cell that holds the value"),
    ('cell: "Model!E2"', 'cell: "Modle!E2"', "13:16",
     "claim 'example-revenue-2026e' data[0]: no sheet 'Modle' in seeds/example-model.xlsx "
     "(sheets: Model) (did you mean 'Model'?)"),
    ("row: Revenue growth", "row: Revenue grwth", "19:15",
     "claim 'example-growth-2025e' data[0]: no row labelled 'Revenue grwth' in sheet 'Model' "
     "of seeds/example-model.xlsx"),
    ('value: 13.6, unit: "%"', 'value: 0.136, unit: "count"', "18:93",
     "claim 'example-growth-2025e' data[0]: Model!D3 is formatted as a percentage; the data "
     "point's unit is '%', not 'count'"),
    ("period: FY2025, value: 2.46", "period: FY2026, value: 2.46", "24:57",
     "claim 'example-eps-2025e' data[0]: Model!D4 is in the column headed 'FY2025E' (FY2025), "
     "but the data point's period is FY2026"),
    ("EPS of RMB 2.46 in 2025.\n    kind: forecast", "EPS of RMB 2.46 in 2025.\n    kind: fact",
     "25:16", "claim 'example-eps-2025e' data[0]: Model!D4 is in an estimate column "
     "('FY2025E'); the claim's kind is estimate or forecast"),
], ids=["wrong-value", "missing-cell", "unknown-sheet", "unknown-row", "percent-unit",
        "wrong-period", "estimate-as-fact"])
def test_a_cell_that_does_not_say_what_the_data_point_says_fails(sources_project, old, new,
                                                                   where, message):
    edit_file(sources_project / "seeds/example-model.yaml", old, new)
    assert f"seeds/example-model.yaml:{where}: error: {message}" in errors(sources_project)


def test_a_formula_saved_without_its_value_is_an_error(sources_project):
    (sources_project / "seeds/example-model.xlsx").write_bytes(
        workbook(MODEL_ROWS, MODEL_FORMATS))  # openpyxl alone stores no computed values
    found = errors(sources_project)
    assert "seeds/example-model.yaml:13:16: error: claim 'example-revenue-2026e' data[0]: " \
        "Model!E2 is a formula saved without its value in seeds/example-model.xlsx; open the " \
        "workbook in Excel or LibreOffice, recalculate and save it, so the value is stored" \
        in found


def test_a_quote_from_a_web_page_is_proved_against_its_readable_text(make_project):
    page_yaml = PAGE_YAML + """\
  - id: menu-not-content
    text: The site offers a discount.
    kind: fact
    source:
      quote: "Subscribe for 99% off"
"""
    root = make_project({"seeds/chip-news.html": WEB_PAGE, "seeds/chip-news.yaml": page_yaml})
    found = errors(root)
    assert not [e for e in found if "foundry-capex-2025" in e], found
    # the site's menu is not the article: a quote from it is not found
    assert any("claim 'menu-not-content': quote not found in seeds/chip-news.html" in e
               for e in found), found


def test_extraction_is_cached_so_check_does_not_import_the_extractors(sources_project):
    assert load_project(sources_project).ok  # fills build/.state/extract
    code = ("import sys; from sectornotes.loaded.project import load_project; "
            f"assert load_project({str(sources_project)!r}).ok; "
            "print(sorted(m for m in ('pypdfium2', 'openpyxl', 'trafilatura') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_a_pdf_claim_links_to_its_highlighted_page_image(sources_project):
    project = Project(sources_project)
    result = build(project, formats=("html",))
    assert result.ok, result.failed
    note = (sources_project / "build/html/example-note.html").read_text()
    assert 'href="../sources/example-filing.html#example-margin-2024"' in note
    assert "p. 2" in note  # the endnote names the page
    page = (sources_project / "build/sources/example-filing.html").read_text()
    assert page.count('<img src="data:image/png;base64,') == 2  # the two quoted pages
    assert '<a class="anchor" id="example-margin-2024"></a>' in page
    columns = (sources_project / "build/sources/semis-review.html").read_text()
    import re

    def left_of(claim_id: str) -> float:
        match = re.search(rf'c-{claim_id}" style="left:([\d.]+)%', columns)
        assert match, claim_id
        return float(match.group(1))

    # the passage's box sits where it is printed: the second column is right of the middle
    assert left_of("hyphenated-momentum") < 50 < left_of("second-column-utilisation")
    model_page = (sources_project / "build/sources/example-model.html").read_text()
    assert 'class="current-cell c-example-eps-2025e">2.46</td>' in model_page


def test_changing_one_cell_rebuilds_only_what_cites_it(sources_project):
    project = Project(sources_project)
    assert build(project, formats=("html",)).ok
    before = snapshot(sources_project / "build/html")
    rows = {"Model": [list(row) for row in MODEL_ROWS["Model"]]}
    rows["Model"][3][4] = 2.99  # EPS FY2026E: no claim cites it
    (sources_project / "seeds/example-model.xlsx").write_bytes(
        workbook(rows, MODEL_FORMATS, MODEL_CACHED))
    assert set(build(project, formats=("html",)).built) == {"sources/example-model.html"}
    rows["Model"][3][3] = 2.5  # EPS FY2025E, cited by the note (and now wrong)
    (sources_project / "seeds/example-model.xlsx").write_bytes(
        workbook(rows, MODEL_FORMATS, MODEL_CACHED))
    result = build(project, formats=("html",))
    assert "html/example-note.html" in result.failed
    assert snapshot(sources_project / "build/html") == before  # kept, not half-rebuilt


CSV_PACK = """Company,2024A,2025E
Example Holdings,12.5,14.2
Other Co,3.1,3.4
"""

CSV_PACK_YAML = """\
source:
  title: Example data pack
  publisher: Example Holdings
  date: 2025-03-20
  language: en
  kind: data
claims:
  - id: pack-revenue-2025e
    text: Example Holdings expects revenue of RMB 14.2bn in 2025.
    kind: forecast
    data:
      - {metric: revenue, entity: Example Holdings, period: "2025", value: 14.2, unit: RMB bn,
         row: Example Holdings, column: 2025E}
"""


def test_a_csv_data_pack_is_cited_by_row_and_column(make_project):
    root = make_project({"seeds/data-pack.csv": CSV_PACK, "seeds/data-pack.yaml": CSV_PACK_YAML})
    assert not [e for e in errors(root) if "data-pack" in e], errors(root)
    edit_file(root / "seeds/data-pack.yaml", "column: 2025E", "column: 2024A")
    assert "seeds/data-pack.yaml:12:76: error: claim 'pack-revenue-2025e' data[0]: " \
        "data-pack!B2 holds 12.5, not 14.2 (to 1 decimal place(s): 12.5)" in errors(root)


def test_find_searches_pdfs_and_names_the_page(sources_project):
    from click.testing import CliRunner

    from sectornotes.commands.cli import cli

    result = CliRunner().invoke(cli, ["-C", str(sources_project), "find", "Gross margin"])
    assert result.exit_code == 0, result.output
    assert "# seeds/example-filing.pdf p. 2" in result.output
    assert "      page: 2" in result.output


def test_a_web_source_page_links_to_the_original(make_project):
    page_yaml = replaced(FILING_YAML, "kind: company-filing",
                         "kind: web-page\n  url: https://news.example.invalid/results")
    page_yaml = replaced(page_yaml, "      page: 2\n", "")
    html = ("<html><body><nav>Menu</nav><article><h1>Results</h1><p>Revenue reached RMB 12.5 "
            "billion in 2024, up 15.3% year on year.</p><p>Gross margin improved to 40.1% in "
            "2024 as cloud costs fell.</p></article></body></html>")
    root = make_project({"seeds/example-filing.html": html, "seeds/example-filing.yaml": page_yaml})
    result = build(Project(root), formats=("html",))
    assert result.ok, (result.failed, errors(root))
    page = (root / "build/sources/example-filing.html").read_text()
    assert 'class="original" href="https://news.example.invalid/results"' in page
    assert '<mark class="quote c-example-margin-2024' in page


def test_a_source_with_two_documents_is_an_error(sources_project):
    (sources_project / "seeds/example-filing.txt").write_text("Revenue reached RMB 12.5 billion")
    assert "seeds/example-filing.yaml:1:1: error: two documents for one source " \
        "(seeds/example-filing.txt, seeds/example-filing.pdf); keep one, or give the other " \
        "its own id and .yaml" in errors(sources_project)


def test_a_wrong_number_in_a_pdf_claim_fails_at_its_value(sources_project):
    edit_file(sources_project / "seeds/example-filing.yaml", 'value: 15.3, unit: "%"',
              'value: 15.8, unit: "%"')
    found = [e for e in errors(sources_project) if "example-revenue-2024" in e]
    assert found == ["seeds/example-filing.yaml:12:80: error: claim 'example-revenue-2024' "
                     "data[0].value: 15.8 is not written in the quote; the numbers written with "
                     "unit '%' are 15.3"]


def test_a_damaged_series_file_is_a_clear_error(sources_project):
    write = sources_project / "seeds"
    (write / "index-series.yaml").write_text(
        "series:\n  instrument: Some index\n  provider: Example\n  as_of: 2025-01-02\n")
    (write / "index-series.csv").write_bytes(b"date,value\n2025-01-02,\x00\x01garbage\n")
    assert any(e.startswith("seeds/index-series.csv:2:") and "binary file" in e
               for e in errors(sources_project)), errors(sources_project)


def test_misused_source_fields_are_errors_at_their_place(sources_project, make_project):
    seeds = sources_project / "seeds"
    edit_file(seeds / "example-model.yaml", "    kind: forecast\n    data:\n      - {metric: eps",
              "    kind: forecast\n    source:\n      quote: \"EPS of 2.46\"\n    data:\n"
              "      - {metric: eps")
    edit_file(seeds / "example-model.yaml", "  - id: example-growth-2025e\n",
              "  - id: no-data-from-a-sheet\n    text: A claim with no cell.\n    kind: fact\n"
              "  - id: example-growth-2025e\n")
    found = errors(sources_project)
    assert any("claim 'example-eps-2025e': seeds/example-model.xlsx is a spreadsheet; cite "
               "each value's cell in its data point instead of a quote" in e for e in found)
    assert any("claim 'no-data-from-a-sheet': a claim from a spreadsheet states its values as "
               "data points with their cells" in e for e in found), found


def test_a_page_for_a_text_source_and_a_page_without_text_are_errors(make_project):
    from .conftest import SEED_YAML

    root = make_project({
        "seeds/capex-review.yaml": replaced(SEED_YAML, '      context: "In Q3 2024"\n',
                                            '      context: "In Q3 2024"\n      page: 3\n'),
        "seeds/empty-page.html": "<html><head><title></title></head><body></body></html>",
        "seeds/empty-page.yaml": replaced(FILING_YAML, "example-", "empty-", count=0)})
    found = errors(root)
    assert any("source.page: seeds/capex-review.txt has no pages; remove 'page:'" in e
               for e in found), found
    assert any(e.startswith("seeds/empty-page.html:1:1: error: no readable text found in this "
                            "web page") for e in found), found


@pytest.mark.parametrize(("figure", "message"), [
    ("kind: performance\nplot: [no-such-series]\n",
     "plot[0]: no series 'no-such-series' in seeds/"),
    ("kind: performance\nplot: [idx]\nstart: 2025-01-02\nend: 2025-01-03\n"
     "events: [{date: 2024-12-01, label: Early}]\n",
     "events[0].date: 2024-12-01 is outside the chart (2025-01-02 to 2025-01-03)"),
    ("kind: coverage\nrows:\n  - {company: X, ticker: X.HK, rating: buy}\n",
     "rows[0]: give the price as a claim ('price:') or a series point"),
    ("kind: coverage\nrows:\n  - {company: X, ticker: X.HK, rating: outperform, "
     "price_series: idx, price_date: 2025-01-02}\n",
     "rows[0].rating: 'outperform' is not a company rating in house.yaml"),
    ("kind: coverage\nrows:\n  - {company: X, ticker: X.HK, rating: buy, "
     "price_series: idx, price_date: 2025-01-04}\n",
     "rows[0].price_date: seeds/idx.csv has no value on 2025-01-04"),
], ids=["unknown-series", "event-outside", "no-price", "sector-rating", "no-such-date"])
def test_a_broken_exhibit_fails_check(make_project, figure, message):
    root = make_project({
        "seeds/idx.csv": "date,value\n2025-01-02,100\n2025-01-03,101.5\n",
        "seeds/idx.yaml": "series:\n  instrument: Index\n  provider: Example\n"
                          "  as_of: 2025-01-03\n",
        "figures/exhibit.yaml": "title: Exhibit\n" + figure})
    assert any(e.startswith("figures/exhibit.yaml:") and message in e
               for e in errors(root)), errors(root)


def test_ligatures_and_soft_hyphens_in_a_pdf_do_not_stop_a_quote(make_project):
    body = ("<p>The \ufb01nancial of\ufb01ce reported that e\u00adquipment spending rose 12% "
            "in 2024.</p>")
    seed = FILING_YAML[:FILING_YAML.index("claims:\n")] + """claims:
  - id: ligature-quote
    text: The finance office saw equipment spending rise.
    kind: fact
    source:
      quote: "The financial office reported that equipment spending rose"
"""
    root = make_project({"seeds/ligatures.pdf": pdf_from_html(body),
                         "seeds/ligatures.yaml": seed})
    assert not [e for e in errors(root) if "ligature-quote" in e], errors(root)
