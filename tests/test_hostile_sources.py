"""Hostile sources: forged extraction caches, values that are not numbers, resource bombs,
damaged workbooks, bad palettes, pathological prose and quotes too weak to prove
anything. Each is a real file (workbooks written by openpyxl or crafted zips, PDFs made
by PDFium or WeasyPrint), and each fails with the project's own message at its place."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sectornotes.commands.cli import cli
from sectornotes.inputs.colours import contrast_ratio
from sectornotes.inputs.project import Project
from sectornotes.loaded.project import load_project

from .conftest import edit_file, line_of, replaced
from .sourcefiles import PAGE_YAML, WEB_PAGE, workbook

FAKE_CLAIM = """\
  - id: foundry-doubles-capex
    text: Example Foundry will double its capital expenditure in 2025.
    kind: forecast
    source:
      quote: "Example Foundry will double its capital expenditure in 2025"
"""

MODEL_ROWS = {"Model": [["Example Holdings", None, "FY2024A", "FY2025E"],
                        ["EPS (RMB)", None, 2.1, 2.46]]}

MODEL_YAML = """\
source:
  title: Example Holdings model (illustrative)
  publisher: Example Research
  date: 2025-03-25
  language: en
  kind: model
claims:
  - id: example-eps-2025e
    text: We forecast EPS of RMB 2.46 in 2025.
    kind: forecast
    data:
      - {metric: eps, entity: Example Holdings, period: FY2025, value: 2.46, unit: RMB,
         cell: D2}
"""

SERIES_YAML = """\
series:
  instrument: Example Index (illustrative data)
  provider: Example sample data
  as_of: 2025-01-03
  illustrative: true
"""


def errors(root: Path) -> list[str]:
    # These tests attack the extraction cache: each check proves afresh (no proof cache),
    # so every source is read through it.
    shutil.rmtree(root / "build/.state/proof", ignore_errors=True)
    return [f.format() for f in load_project(Project(root), cache=False).errors]


def cache_entries(root: Path, suffix: str) -> list[Path]:
    return sorted((root / "build/.state/extract").glob(f"*{suffix}.json"))


# ---------------------------------------------------------------- 1. the extraction cache


@pytest.fixture
def page_project(make_project, own_cache_key) -> Path:
    root = make_project({"seeds/chip-news.html": WEB_PAGE,
                         "seeds/chip-news.yaml": PAGE_YAML + FAKE_CLAIM})
    return root


FAKE_NOT_FOUND = ("seeds/chip-news.yaml:20:14: error: claim 'foundry-doubles-capex': quote "
                  "not found in seeds/chip-news.html")


def forge(entry: Path, edit) -> None:
    """Rewrite a cache entry's JSON through `edit` (its HMAC is left as it was)."""
    data = json.loads(entry.read_text(encoding="utf-8"))
    edit(data)
    entry.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_an_edited_cache_entry_does_not_prove_a_fake_quote(page_project):
    assert any(e.startswith(FAKE_NOT_FOUND) for e in errors(page_project))
    [entry] = cache_entries(page_project, ".html")
    fake = "Example Foundry will double its capital expenditure in 2025."

    def add_fake_quote(data):
        data["data"]["text"] += "\n\n" + fake

    forge(entry, add_fake_quote)
    assert fake in entry.read_text(encoding="utf-8")
    found = errors(page_project)
    assert any(e.startswith(FAKE_NOT_FOUND) for e in found), found
    assert fake not in entry.read_text(encoding="utf-8")  # discarded and extracted again


def test_a_cache_entry_signed_by_another_machine_is_not_trusted(page_project, tmp_path,
                                                                monkeypatch):
    # A project that arrives with its build/ (an archive, a shared folder) brings entries
    # signed with another user's key: here, one that holds the fake quote.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    from sectornotes.sources.documents import _extractor_version
    from sectornotes.sources.extractcache import read_entry, write_entry

    errors(page_project)
    [entry] = cache_entries(page_project, ".html")
    digest = entry.name.split(".")[0]
    cache_dir = entry.parent
    data = read_entry(cache_dir, digest, ".html", _extractor_version(".html"))
    assert data is not None
    data["text"] += "\n\nExample Foundry will double its capital expenditure in 2025."
    write_entry(cache_dir, digest, ".html", _extractor_version(".html"), data)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    assert any(e.startswith(FAKE_NOT_FOUND) for e in errors(page_project))


@pytest.mark.parametrize("damage", [
    pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
    pytest.param(lambda text: "", id="empty"),
    pytest.param(lambda text: "[]", id="not-an-object"),
    pytest.param(lambda text: replaced(text, '"text"', '"txt"'), id="renamed-field"),
    pytest.param(lambda text: json.dumps({**json.loads(text), "data": {"text": 5}}),
                 id="wrong-type"),
    pytest.param(lambda text: json.dumps({**json.loads(text), "mac": "0" * 64}), id="bad-mac"),
    pytest.param(lambda text: text[:-1] + ', "x": NaN}', id="nan"),
    pytest.param(lambda text: "\x00\xff garbage", id="garbage"),
])
def test_a_damaged_cache_entry_is_extracted_again(page_project, damage):
    errors(page_project)
    [entry] = cache_entries(page_project, ".html")
    good = entry.read_text(encoding="utf-8")
    entry.write_text(damage(good), encoding="utf-8")
    found = errors(page_project)
    assert not [e for e in found if "foundry-capex-2025" in e], found
    assert entry.read_text(encoding="utf-8") == good  # written again, identically


def test_a_signed_entry_of_the_wrong_shape_is_refused(own_cache_key, tmp_path):
    from sectornotes.sources.extractcache import read_entry, write_entry

    cache_dir = tmp_path / "extract"
    shapes = {".pdf": {"text": "abc", "page_starts": [0, 99]},  # a page past the text
              ".html": {"text": "abc", "sheets": {}},
              ".xlsx": {"text": "", "sheets": {"S": {"cells": {"A9": [1, "General", False]},
                                                     "max_row": 2, "max_column": 2}}},
              ".csv": {"text": "", "sheets": {"S": {"cells": {"A1": [[1], "General", False]},
                                                    "max_row": 2, "max_column": 2}}}}
    for suffix, data in shapes.items():
        write_entry(cache_dir, "ab" * 32, suffix, "test/1", data)
        assert (cache_dir / f"{'ab' * 32}{suffix}.json").is_file()
        assert read_entry(cache_dir, "ab" * 32, suffix, "test/1") is None, suffix
    write_entry(cache_dir, "cd" * 32, ".html", "test/1", {"text": "abc"})
    assert read_entry(cache_dir, "cd" * 32, ".html", "test/1") == {"text": "abc"}
    assert read_entry(cache_dir, "cd" * 32, ".html", "test/2") is None  # another extractor


def test_without_a_place_for_the_key_nothing_is_cached_and_check_still_proves(
        make_project, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    root = make_project({"seeds/chip-news.html": WEB_PAGE,
                         "seeds/chip-news.yaml": PAGE_YAML + FAKE_CLAIM})
    found = errors(root)
    assert any(e.startswith(FAKE_NOT_FOUND) for e in found)
    assert not [e for e in found if "foundry-capex-2025" in e], found
    assert cache_entries(root, ".html") == []


@pytest.mark.slow
def test_an_edited_pdf_cache_entry_does_not_prove_a_fake_quote(make_project, own_cache_key):
    from .sourcefiles import FILING_PDF_BODY, pdf_from_html

    seed = """\
source:
  title: Example Holdings annual results 2024
  publisher: Example Holdings
  date: 2025-03-20
  language: en
  kind: company-filing
claims:
  - id: example-fake-guidance
    text: Example Holdings guided revenue up 90% in 2025.
    kind: forecast
    source:
      quote: "Example Holdings guides revenue up 90% in 2025"
"""
    root = make_project({"seeds/example-filing.pdf": pdf_from_html(FILING_PDF_BODY),
                         "seeds/example-filing.yaml": seed})
    message = ("seeds/example-filing.yaml:12:14: error: claim 'example-fake-guidance': quote "
               "not found in seeds/example-filing.pdf")
    assert any(e.startswith(message) for e in errors(root))
    [entry] = cache_entries(root, ".pdf")

    def add_fake_quote(data):
        data["data"]["text"] += " Example Holdings guides revenue up 90% in 2025."

    forge(entry, add_fake_quote)
    assert any(e.startswith(message) for e in errors(root))


# ---------------------------------------------------------------- 2. values that are not numbers


def series_project(make_project, value: str) -> Path:
    rows = f"date,value\n2025-01-02,3900.00\n2025-01-03,{value}\n"
    return make_project({"seeds/example-index.csv": rows, "seeds/example-index.yaml": SERIES_YAML})


@pytest.mark.parametrize(("value", "message"), [
    ("NaN", "'NaN' is not a finite number; write the value itself, or leave the row out"),
    ("nan", "'nan' is not a finite number; write the value itself, or leave the row out"),
    ("sNaN", "'sNaN' is not a finite number; write the value itself, or leave the row out"),
    ("Infinity", "'Infinity' is not a finite number; write the value itself, or leave the row "
                 "out"),
    ("-inf", "'-inf' is not a finite number; write the value itself, or leave the row out"),
    ("1e999", "'1e999' is too large to compute with (beyond ±1.8e308)"),
    ("-1E400", "'-1E400' is too large to compute with (beyond ±1.8e308)"),
    ("1e-999", "'1e-999' is too small to compute with (below 1e-308)"),
    ("3_900", "'3_900' is not a number (write digits with an optional sign and decimal point, "
              "e.g. 3912.40)"),
    ("٣٩٠٠", "'٣٩٠٠' is not a number (write digits with an optional sign and decimal point, "
             "e.g. 3912.40)"),
])
def test_a_series_value_that_is_not_a_finite_number_fails_at_its_place(make_project, value,
                                                                       message):
    root = series_project(make_project, value)
    assert errors(root) == [f"seeds/example-index.csv:3:12: error: {message}"]


def test_a_series_row_after_a_multiline_field_is_reported_at_its_own_line(make_project):
    rows = 'date,value\n2025-01-02,"3900\n"\n2025-01-03,NaN\n'
    root = make_project({"seeds/example-index.csv": rows, "seeds/example-index.yaml": SERIES_YAML})
    assert "seeds/example-index.csv:4:12: error: 'NaN' is not a finite number; write the " \
        "value itself, or leave the row out" in errors(root)


def test_a_series_field_over_the_csv_limit_is_a_message(make_project):
    rows = "date,value\n2025-01-02,3900.00\n2025-01-03," + "9" * 200_000 + "\n"
    root = make_project({"seeds/example-index.csv": rows, "seeds/example-index.yaml": SERIES_YAML})
    assert errors(root) == [
        "seeds/example-index.csv:3:1: error: this row is not CSV a series can hold (a field "
        "over 128 KB, or a quote that never closes); write 'date,value' rows"]


def test_the_sample_series_are_finite_and_still_load(repo_project):
    model = load_project(Project(repo_project), cache=False)
    assert model.ok, [f.format() for f in model.errors]
    assert len(model.registry.series) == 7


CSV_SHEET_YAML = """\
source:
  title: Example data
  publisher: Example Research
  date: 2025-03-25
  language: en
  kind: data
claims:
  - id: example-eps-2025e
    text: We forecast EPS of RMB 2.46 in 2025.
    kind: forecast
    data:
      - {metric: eps, entity: Example Holdings, period: "2025", value: 2.46, unit: RMB, cell: C2}
"""


def test_a_csv_spreadsheet_cell_beyond_a_float_fails_at_its_line_and_column(make_project):
    sheet = "Company,Metric,2025\nExample Holdings,EPS,2.46\nExample Holdings,Sales,1e999\n"
    root = make_project({"seeds/example-data.csv": sheet, "seeds/example-data.yaml": CSV_SHEET_YAML})
    assert errors(root) == ["seeds/example-data.csv:3:24: error: '1e999' is too large to "
                            "compute with (beyond ±1.8e308)"]


def test_a_csv_spreadsheet_word_nan_is_text_and_cited_it_is_not_a_number(make_project):
    sheet = "Company,Metric,2025\nExample Holdings,EPS,NaN\n"
    root = make_project({"seeds/example-data.csv": sheet, "seeds/example-data.yaml": CSV_SHEET_YAML})
    assert errors(root) == ["seeds/example-data.yaml:12:95: error: claim 'example-eps-2025e' "
                            "data[0]: example-data!C2 holds text ('NaN'), not a number"]


def test_a_csv_spreadsheet_field_over_the_csv_limit_is_a_message(make_project):
    sheet = "Company,Metric,2025\nExample Holdings,EPS,2.46\nNote," + "x" * 200_000 + "\n"
    root = make_project({"seeds/example-data.csv": sheet, "seeds/example-data.yaml": CSV_SHEET_YAML})
    assert errors(root) == [
        "seeds/example-data.csv:3:1: error: this row is not CSV that can be read (a field "
        "over 128 KB, or a quote that never closes); save the spreadsheet again as CSV"]


# ---------------------------------------------------------------- workbooks, crafted


def rezip(xlsx: bytes, replace: dict[str, bytes | None] | None = None,
          add: dict[str, bytes] | None = None, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with parts replaced (None removes one) and parts added."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as target:
        for item in source.infolist():
            if item.filename in replace:
                if replace[item.filename] is not None:
                    target.writestr(item.filename, replace[item.filename])
                continue
            target.writestr(item.filename, source.read(item.filename))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _laughs() -> bytes:
    levels = ['<!ENTITY e0 "lol">'] + [
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0"?><!DOCTYPE worksheet [' + "".join(levels) + ']><worksheet '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row></sheetData>'
            "</worksheet>").encode()


BILLION_LAUGHS = _laughs()  # 3 GB of 'lol' from 1 KB, if a parser expanded it


def sheet_xml(cells: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + cells +
            "</sheetData></worksheet>").encode()


def model_project(make_project, xlsx: bytes) -> Path:
    root = make_project({"seeds/example-model.xlsx": xlsx, "seeds/example-model.yaml": MODEL_YAML})
    edit_file(root / "house.yaml", "fiscal_year_ends:\n",
              "fiscal_year_ends:\n  Example Holdings: \"12-31\"\n")
    return root


def model_errors(make_project, xlsx: bytes) -> list[str]:
    return [e for e in errors(model_project(make_project, xlsx))
            if e.startswith("seeds/example-model.xlsx")]


SHEET = "xl/worksheets/sheet1.xml"


def test_the_crafted_workbook_helpers_make_a_workbook_that_proves(make_project, own_cache_key):
    root = model_project(make_project, rezip(workbook(MODEL_ROWS)))
    assert errors(root) == []


def test_a_cell_beyond_a_float_names_its_cell(make_project):
    xlsx = workbook(MODEL_ROWS)
    original = zipfile.ZipFile(io.BytesIO(xlsx)).read(SHEET).decode()
    forged = replaced(original, "<v>2.1</v>", "<v>1E999</v>")
    assert model_errors(make_project, rezip(xlsx, {SHEET: forged.encode()})) == [
        "seeds/example-model.xlsx:1:1: error: cell Model!C2 holds inf, not a finite number; "
        "correct the cell and save the workbook again"]


@pytest.mark.parametrize("sheet", [
    pytest.param(b"", id="empty"),
    pytest.param(b"<worksheet><sheetData><row", id="cut-short"),
    pytest.param(b"\x89PNG not xml at all", id="not-xml"),
    pytest.param(sheet_xml('<row r="1"><c r="A1"><v>inf</v></c></row>'), id="inf-literal"),
    pytest.param(sheet_xml('<row r="1"><c r="A1" t="n"><v>twelve</v></c></row>'),
                 id="text-in-number"),
    pytest.param(BILLION_LAUGHS, id="entity-expansion"),
])
def test_a_damaged_sheet_is_a_message_naming_the_file(make_project, sheet):
    found = model_errors(make_project, rezip(workbook(MODEL_ROWS), {SHEET: sheet}))
    assert len(found) == 1, found
    assert found[0].startswith("seeds/example-model.xlsx:1:1: error: cannot read this workbook "
                               "(a part of it is damaged or not what Excel writes: ")
    assert found[0].endswith("open it in Excel or LibreOffice and save it again as .xlsx")


@pytest.mark.parametrize("part", ["xl/workbook.xml", "[Content_Types].xml",
                                  "xl/_rels/workbook.xml.rels"])
def test_a_workbook_missing_a_part_is_a_message_naming_the_file(make_project, part):
    found = model_errors(make_project, rezip(workbook(MODEL_ROWS), {part: None}))
    assert len(found) == 1 and found[0].startswith(
        "seeds/example-model.xlsx:1:1: error: cannot read this workbook ("), found


def test_a_damaged_workbook_prints_no_traceback(make_project, monkeypatch):
    root = model_project(make_project, rezip(workbook(MODEL_ROWS), {SHEET: b""}))
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "seeds/example-model.xlsx:1:1: error: cannot read this workbook (" in result.output
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_zip_is_a_message(make_project):
    assert model_errors(make_project, b"\xd0\xcf\x11\xe0 an old .xls") == [
        "seeds/example-model.xlsx:1:1: error: cannot read this workbook (it is not a zip file "
        "as .xlsx is: a workbook from an old Excel (.xls), or a damaged copy); save it again "
        "as .xlsx"]


# ---------------------------------------------------------------- 3. resource bombs


def test_a_zip_bomb_workbook_is_refused_before_it_is_inflated(make_project):
    bomb = rezip(workbook(MODEL_ROWS), add={"xl/media/image1.bin": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    [message] = model_errors(make_project, bomb)
    assert message.startswith("seeds/example-model.xlsx:1:1: error: this workbook's part "
                              "'xl/media/image1.bin' inflates ")
    assert message.endswith("times (to 20 MB), over the limit of 200 times: it is built to "
                            "exhaust memory (a zip bomb), not a workbook")


@pytest.mark.slow  # writes a large archive
def test_a_bomb_spread_over_many_small_parts_is_refused_by_its_total(make_project):
    parts = {f"xl/media/part{i}.bin": b"\0" * (1024 * 1024) for i in range(110)}
    bomb = rezip(workbook(MODEL_ROWS), add=parts)
    assert model_errors(make_project, bomb) == [
        "seeds/example-model.xlsx:1:1: error: this workbook inflates to 110 MB, over the limit "
        "of 100 MB for a workbook"]


def test_a_workbook_of_too_many_parts_is_refused(make_project):
    parts = {f"xl/media/p{i}.bin": b"" for i in range(2_001)}
    found = model_errors(make_project, rezip(workbook(MODEL_ROWS), add=parts))
    assert found == ["seeds/example-model.xlsx:1:1: error: this workbook holds 2,010 parts, "
                     "over the limit of 2,000 for a workbook"]


def test_a_part_that_lies_about_its_size_fails_its_check_and_is_a_message(make_project):
    # The sheet is the last part, and the central directory declares it 100 bytes long.
    xlsx = bytearray(rezip(workbook(MODEL_ROWS), {SHEET: None},
                           add={SHEET: replaced(cells_xml(2, 4).decode(), "</worksheet>",
                                                " " * 500_000 + "</worksheet>").encode()}))
    import struct

    entry = xlsx.rfind(b"PK\x01\x02")
    assert xlsx[entry + 46: entry + 46 + len(SHEET)] == SHEET.encode()
    struct.pack_into("<I", xlsx, entry + 24, 100)
    found = model_errors(make_project, bytes(xlsx))
    assert len(found) == 1 and found[0].startswith(
        "seeds/example-model.xlsx:1:1: error: cannot read this workbook ("), found


def cells_xml(rows: int, columns: int) -> bytes:
    letters = [chr(65 + i) for i in range(columns)]
    return sheet_xml("".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters) + "</row>"
        for r in range(1, rows + 1)))


def test_a_workbook_with_too_many_cells_is_refused_before_openpyxl_reads_it(make_project):
    found = model_errors(make_project, rezip(workbook(MODEL_ROWS),
                                             {SHEET: cells_xml(25_001, 10)}))
    assert found == ["seeds/example-model.xlsx:1:1: error: this workbook has more than 250,000 "
                     "cells (the limit for a workbook); keep the cited sheets in a smaller "
                     "workbook"]


def test_cells_with_a_namespace_prefix_are_counted_too():
    from sectornotes.sources.archives import count_cells

    xml = cells_xml(3_000, 10).decode()
    xml = replaced(replaced(xml, "<c ", "<x:c ", count=0), "</c>", "</x:c>", count=0).encode()
    archive = zipfile.ZipFile(io.BytesIO(rezip(workbook(MODEL_ROWS), {SHEET: xml})))
    assert count_cells(archive, "seeds/m.xlsx") == 30_000


def test_a_sheet_claiming_the_whole_grid_reads_only_its_cells(make_project, own_cache_key):
    xlsx = workbook(MODEL_ROWS)
    original = zipfile.ZipFile(io.BytesIO(xlsx)).read(SHEET).decode()
    # One more cell in the last column of the last row: 17 billion cells as a rectangle.
    forged = replaced(original, "</sheetData>",
                      '<row r="1048576"><c r="XFD1048576"><v>7</v></c></row></sheetData>')
    forged = replaced(forged, '<dimension ref="A1:D2"/>', '<dimension ref="A1:XFD1048576"/>')
    root = model_project(make_project, rezip(xlsx, {SHEET: forged.encode()}))
    assert errors(root) == []
    [entry] = cache_entries(root, ".xlsx")
    assert entry.stat().st_size < 10_000


def with_shared_string(xlsx: bytes, text: str, rows: range, columns: int) -> bytes:
    """The workbook with one shared string, cited by every cell of `rows` x `columns`
    appended to the first sheet: the file stores the text once."""
    archive = zipfile.ZipFile(io.BytesIO(xlsx))
    types = replaced(archive.read("[Content_Types].xml").decode(), "</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')).encode()
    rels = replaced(archive.read("xl/_rels/workbook.xml.rels").decode(), "</Relationships>", (
        '<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument'
        '/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    ).encode()
    strings = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
               f'.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{text}</t></si>'
               "</sst>").encode()
    cited = "".join(f'<row r="{r}">' + "".join(
        f'<c r="{chr(65 + c)}{r}" t="s"><v>0</v></c>' for c in range(columns)) + "</row>"
        for r in rows)
    sheet = replaced(archive.read(SHEET).decode(), "</sheetData>", cited + "</sheetData>")
    return rezip(xlsx, {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels,
                        SHEET: sheet.encode()}, add={"xl/sharedStrings.xml": strings})


def test_one_long_text_cited_by_many_cells_is_refused(make_project):
    xlsx = with_shared_string(workbook(MODEL_ROWS), "x" * 30_000, range(3, 73), 10)
    assert len(xlsx) < 50_000  # the text is stored once
    assert model_errors(make_project, xlsx) == [
        "seeds/example-model.xlsx:1:1: error: this spreadsheet holds more than 20,000,000 "
        "characters of cell text (the limit for a spreadsheet source); keep the cited sheets "
        "in a smaller file"]


def test_a_shared_string_cited_a_few_times_is_read(make_project, own_cache_key):
    xlsx = with_shared_string(workbook(MODEL_ROWS), "Notes on the model", range(3, 5), 2)
    root = model_project(make_project, xlsx)
    assert errors(root) == []
    model = load_project(Project(root), cache=False)
    sheet = model.registry.sources["example-model"].document.sheets["Model"]
    assert sheet.cell("B4") is not None and sheet.cell("B4").value == "Notes on the model"


def pdf_of_pages(count: int, size: tuple[float, float] = (200, 200)) -> bytes:
    """A real PDF of `count` blank pages, written by PDFium."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(count):
        pdf.new_page(*size)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


def test_a_pdf_over_the_page_limit_is_refused(make_project):
    seed = replaced(PAGE_YAML, "kind: web-page\n  url: https://news.example.invalid/chipmakers",
                    "kind: research-note")
    root = make_project({"seeds/long.pdf": pdf_of_pages(2_001), "seeds/long.yaml": seed})
    assert [e for e in errors(root) if e.startswith("seeds/long.pdf")] == [
        "seeds/long.pdf:1:1: error: this source has 2,001 pages, over the limit of 2,000 for a "
        "source; split it, or keep only the part the claims quote"]


def test_a_source_over_the_size_limit_is_refused_unread(make_project):
    from sectornotes.sources.documents import MAX_DOCUMENT_BYTES

    root = make_project({"seeds/example-model.yaml": MODEL_YAML})
    with open(root / "seeds/example-model.xlsx", "wb") as stream:
        stream.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: no 50 MB written
    assert [e for e in errors(root) if e.startswith("seeds/example-model.xlsx")] == [
        "seeds/example-model.xlsx:1:1: error: file is 50.0 MB, over the 50 MB limit for a "
        "source"]


def test_a_giant_pdf_page_is_drawn_within_the_pixel_limit():
    from sectornotes.sources.documents import MAX_PAGE_PIXELS, _bounded_scale

    assert _bounded_scale(595, 842, 1.4) == 1.4  # A4 as it is
    scale = _bounded_scale(14_400, 14_400, 1.4)  # the largest page PDF allows
    assert (14_400 * scale) ** 2 <= MAX_PAGE_PIXELS * 1.0001


# ---------------------------------------------------------------- 5. prose


def citations(root: Path, language: str):
    from sectornotes.render.markdown import Citations

    return Citations(load_project(Project(root)).registry, language, "html")


# A quadratic pass over these runs would take minutes (40,000 spaces took 6.5 s): a
# regression shows as a hang, not as a timing assertion.
RUN = 200_000


def test_a_long_run_of_spaces_before_a_citation_renders_attached(sample_project):
    from sectornotes.render.markdown import render_markdown

    html = render_markdown("Capex grew" + " " * RUN + "[@big4-capex-q3-2024].",
                           citations(sample_project, "en"))
    assert html.startswith('<p>Capex grew<sup class="citations">[<a class="citation" ')
    assert html.endswith("</sup>.</p>\n")


@pytest.mark.parametrize("run", [" " * RUN, "\t" * RUN, " \t\n" * (RUN // 3)])
def test_long_runs_of_whitespace_without_a_citation_render_as_written(sample_project, run):
    from sectornotes.render.markdown import render_markdown

    html = render_markdown("Capex" + run + "grew", citations(sample_project, "en"))
    assert html.startswith("<p>Capex") and html.endswith("grew</p>\n")
    if "\n" not in run:  # one paragraph, its whitespace kept as written
        assert html == f"<p>Capex{run}grew</p>\n"


def test_chinese_lines_joined_across_a_long_run_of_spaces(sample_project):
    from sectornotes.render.markdown import render_markdown

    folded = "资本开支" + " " * (RUN // 2) + "\n" + " " * (RUN // 2) + "增长"
    assert render_markdown(folded, citations(sample_project, "zh")) == "<p>资本开支增长</p>\n"
    # A paragraph break is not a line fold, and a space before Latin text stays.
    assert render_markdown("资本\n\n增长", citations(sample_project, "zh")) == \
        "<p>资本</p>\n<p>增长</p>\n"
    kept = render_markdown("资本" + " " * RUN + "AI", citations(sample_project, "zh"))
    assert kept == "<p>资本" + " " * RUN + "AI</p>\n"


@pytest.mark.slow  # builds the project
def test_a_note_with_a_long_run_of_spaces_builds(sample_project):
    from sectornotes.engine.run import build

    edit_file(sample_project / "notes/capex-note.yaml", "Big-4 capex reached",
              "Big-4 capex" + " " * RUN + "reached")
    result = build(Project(sample_project), formats=("html",))
    assert result.ok, result.failed
    page = (sample_project / "build/html/capex-note.html").read_text(encoding="utf-8")
    assert "Big-4 capex" in page


@pytest.mark.slow  # builds the project
def test_prose_over_the_limit_is_refused_with_a_message(sample_project):
    from sectornotes.engine.run import build
    from sectornotes.render.markdown import MAX_PROSE_CHARACTERS, ProseTooLong, render_markdown

    text = "word " * (MAX_PROSE_CHARACTERS // 5 + 1)
    with pytest.raises(ProseTooLong) as raised:
        render_markdown(text, citations(sample_project, "en"))
    assert str(raised.value) == ("this prose has 250,005 characters, over the limit of 250,000 "
                                 "for one field; split it into sections")
    edit_file(sample_project / "notes/capex-note.yaml", "Demand may disappoint.",
              "Demand may disappoint." + " more" * 60_000)
    result = build(Project(sample_project), formats=("html",))
    assert "over the limit of 250,000 for one field" in result.failed["html/capex-note.html"]


# ---------------------------------------------------------------- 4. the palette

PALETTE = 'palette: ["#1f3a5f", "#b0432d", "#1f7a6f", "#8a6a1c", "#6c757d", "#6e5ea8"]'


@pytest.mark.parametrize(("entry", "shown"), [
    ('"blue-ish"', "'blue-ish'"), ('"#12345"', "'#12345'"), ('"#ggg"', "'#ggg'"),
    ('""', "''"), ('"1f3a5f"', "'1f3a5f'"), ('"#1f3a5f "', "'#1f3a5f '"), ('"red"', "'red'"),
])
def test_a_palette_entry_that_is_not_a_colour_fails_check_at_its_place(make_project, entry,
                                                                      shown):
    root = make_project()
    edit_file(root / "house.yaml", PALETTE, replaced(PALETTE, '"#1f7a6f"', entry))
    found = [e for e in errors(root) if e.startswith("house.yaml")]
    line = line_of(root / "house.yaml", "palette:")
    assert found == [f"house.yaml:{line}:33: error: palette[2]: {shown} is not a colour; write it "
                     "in hex, as '#1f3a5f' (#rgb, #rrggbb, or with alpha #rgba, #rrggbbaa)"]


def test_short_and_alpha_hex_colours_are_colours(make_project):
    root = make_project()
    edit_file(root / "house.yaml", PALETTE, 'palette: ["#123", "#123f", "#123456", "#123456cc"]')
    assert errors(root) == []


def test_a_palette_colour_too_pale_for_text_fails_check_once_at_its_place(make_project):
    root = make_project()
    # The old accent (4.35:1 on white) and a pale yellow; the others pass, the navy at 11:1.
    edit_file(root / "house.yaml", PALETTE, replaced(replaced(
        PALETTE, '"#b0432d"', '"#c8553d"'), '"#8a6a1c"', '"#e9c46a"'))
    found = [e for e in errors(root) if e.startswith("house.yaml")]
    line = line_of(root / "house.yaml", "palette:")
    assert [e.split(": error: ")[0] for e in found] == [f"house.yaml:{line}:22",
                                                        f"house.yaml:{line}:44"]
    assert "palette[1]: '#c8553d' has a contrast of 4.35:1 on white" in found[0]
    assert "palette[3]: '#e9c46a' has a contrast of 1.67:1 on white" in found[1]
    suggested = re.search(r"such as '(#[0-9a-f]{6})'", found[1])
    assert suggested and contrast_ratio(suggested.group(1)) >= 4.5


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey
    assert contrast_ratio("#fff", "#000") == contrast_ratio("#000", "#fff")
    # Transparent colours are seen on the white page: half-transparent black is mid-grey.
    assert contrast_ratio("#00000080") == pytest.approx(contrast_ratio("#7f7f7f"), abs=0.05)


@pytest.mark.slow  # draws every chart
def test_a_bad_palette_fails_each_chart_with_the_house_message(make_project, sample_files):
    root = make_project(sample_files)
    edit_file(root / "house.yaml", PALETTE, replaced(PALETTE, '"#1f3a5f"', '"navy-ish"'))
    from sectornotes.engine.run import build

    result = build(Project(root), formats=("html",))
    assert not result.ok
    messages = [f.format() for f in result.findings if f.path == "house.yaml"]
    line = line_of(root / "house.yaml", "palette:")
    assert messages == [f"house.yaml:{line}:11: error: palette[0]: 'navy-ish' is not a colour; "
                        "write it in hex, as '#1f3a5f' (#rgb, #rrggbb, or with alpha #rgba, "
                        "#rrggbbaa)"]
    assert all("Traceback" not in reason for reason in result.failed.values())


def test_charts_refuse_a_palette_that_is_not_colours_with_the_house_message():
    from sectornotes.errors import SectornotesError
    from sectornotes.render.charts import checked_palette

    assert checked_palette(["#123456"]) == ["#123456"]
    assert len(checked_palette([])) > 1  # the default palette
    with pytest.raises(SectornotesError) as raised:
        checked_palette(["#123456", "not a colour"])
    assert str(raised.value) == ("house.yaml: palette[1]: 'not a colour' is not a colour; "
                                 "write it in hex, as '#1f3a5f' (#rgb, #rrggbb, or with alpha "
                                 "#rgba, #rrggbbaa)")


# ---------------------------------------------------------------- 6. quotes too weak to prove

WEAK_SEED = """\
source:
  title: Capex review
  publisher: Example Securities
  date: 2025-02-05
  language: en
  kind: research-note
claims:
  - id: weak-claim
    text: TEXT
    kind: opinion
    source:
      quote: "QUOTE"
"""


def weak_errors(make_project, text: str, quote: str) -> list[str]:
    seed = replaced(replaced(WEAK_SEED, "TEXT", text), "QUOTE", quote)
    root = make_project({"seeds/weak.txt": SOURCE_TEXT_WEAK, "seeds/weak.yaml": seed})
    return [e for e in errors(root) if e.startswith("seeds/weak.yaml")]


SOURCE_TEXT_WEAK = (
    "DeepSeek and the cloud providers raised capital expenditure sharply in 2024, and the\n"
    "four major technology giants expect to keep investing in AI data centres.\n"
    "半导体设备ETF(159516)强势吸金，规模超过200亿元。\n"
    "风险提示：AI 竞争激烈\n"
)


@pytest.mark.parametrize(("text", "quote", "shares"), [
    ("Morgan Stanley expects chip stocks to double in 2025.", "and the", "no word"),
    ("Morgan Stanley expects chip stocks to double in 2025.", "DeepSeek", "no word"),
    ("DeepSeek will overtake OpenAI by 2026.", "DeepSeek and the cloud", "only 'deepse'"),
    ("Cloud providers will cut spending.", "the cloud providers raised",
     "only 'cloud', 'provid'"),
])
def test_a_quote_sharing_too_little_with_its_claim_fails_at_the_quote(make_project, text,
                                                                      quote, shares):
    assert weak_errors(make_project, text, quote) == [
        f"seeds/weak.yaml:12:14: error: claim 'weak-claim': the quote shares {shares} with the "
        "claim's text; a quote proves a claim only when it states it: quote the passage that "
        "says what the text says (at least 3 of its words, numbers or, in Chinese, pairs of "
        "characters)"]


@pytest.mark.parametrize(("text", "quote"), [
    ("Cloud providers raised capital expenditure sharply in 2024.",
     "the cloud providers raised capital expenditure sharply in 2024"),
    # stems: 'investing' meets 'invest', 'centres' meets 'centre'
    ("Tech giants plan to invest in AI data centre capacity.",
     "four major technology giants expect to keep investing in AI data centres"),
    ("风险提示：AI 竞争激烈。", "AI 竞争激烈"),  # three character pairs
])
def test_a_quote_that_states_its_claim_proves_it(make_project, text, quote):
    assert weak_errors(make_project, text, quote) == []


def test_a_chinese_quote_for_an_english_claim_shares_names_and_numbers(make_project):
    assert weak_errors(make_project, "The Semiconductor Equipment ETF (159516) attracted "
                       "strong inflows.", "半导体设备ETF(159516)强势吸金") == []
    assert weak_errors(make_project, "Competition in AI is intense.", "AI 竞争激烈") == [
        "seeds/weak.yaml:12:14: error: claim 'weak-claim': the quote is in another language "
        "than the claim's text and shares no word with it; quote the passage that states the "
        "claim, sharing at least 2 names or numbers and with at least 6 characters of its own, "
        "or write the claim's text in the quote's language"]


def test_a_claim_with_quoted_numbers_is_proved_by_them(make_project):
    seed = """\
source:
  title: Capex review
  publisher: Example Securities
  date: 2025-02-05
  language: en
  kind: research-note
claims:
  - id: big4-capex-yoy
    text: The Big-4 grew capex strongly.
    kind: fact
    data:
      - {metric: capex-yoy, entity: Big-4 US CSPs, period: 2024-Q3, value: 59.1, unit: "%"}
    source:
      quote: "year-on-year +59.1%"
      context: "In Q3 2024"
"""
    root = make_project({"seeds/numbers.yaml": seed, "seeds/numbers.txt":
                         "In Q3 2024 capital expenditure rose, year-on-year +59.1%.\n"})
    assert [e for e in errors(root) if e.startswith("seeds/numbers.yaml")] == []


def test_the_sample_claims_all_state_what_their_quotes_say(repo_project):
    model = load_project(Project(repo_project), cache=False)
    assert model.ok, [f.format() for f in model.errors]
