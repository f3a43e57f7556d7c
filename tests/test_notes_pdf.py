"""The project's own notes, built for real and read back from the PDFs."""

from __future__ import annotations

import io
import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from sectornotes.api import check
from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from sectornotes.model.notes import cited_claim_ids

from .conftest import REPO_ROOT, copy_repo_project, edit_file, output_hashes

pytestmark = pytest.mark.slow


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    return copy_repo_project(target)


@pytest.fixture(scope="module")
def real_build(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("real") / "project")
    result = build(Project(root), jobs=2)
    assert result.ok, (result.failed, result.findings)
    assert result.warnings == []  # e.g. no "Using fontTools instead of HarfBuzz-Subset"
    return root


@pytest.fixture(scope="module")
def report(real_build):
    return check(Project(real_build))


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return squash(text)


def squash(text: str) -> str:
    # Line breaks, hyphenation and spacing differ between a quote and its typeset form
    # (pdftotext drops the hyphen of "AI-related" when it ends a line).
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u00ad\-‐]+", "", text)


def test_three_notes_are_built(real_build, report):
    assert set(report.notes) == {"china-ai-after-deepseek", "media-deepseek-ai-shift",
                                 "tech-outlook-2025h2"}
    for note_id in report.notes:
        assert (real_build / f"build/html/{note_id}.html").is_file()
        assert (real_build / f"build/pdf/{note_id}.pdf").is_file()


def test_notes_cite_enough_claims_and_sources(report):
    minimums = {"china-ai-after-deepseek": (40, 4), "media-deepseek-ai-shift": (15, 1),
                "tech-outlook-2025h2": (25, 1)}
    for note_id, (claims, sources) in minimums.items():
        cited = cited_claim_ids(report.notes[note_id].spec)
        used_sources = {report.registry.get(c).source_id for c in cited}
        assert len(cited) >= claims and len(used_sources) >= sources, note_id


def test_every_cited_quote_is_in_the_pdf(real_build, report):
    for note_id, loaded in report.notes.items():
        text = pdf_text(real_build / f"build/pdf/{note_id}.pdf")
        for claim_id in cited_claim_ids(loaded.spec):
            registered = report.registry.get(claim_id)
            # what readers are shown: the quote, or for a cell its labels, value and place
            quote = squash(registered.claim.source.quote or registered.quoted)
            assert quote in text, f"{note_id}: quote of {claim_id} missing from the PDF"


def test_cover_rating_analysts_and_disclaimers(real_build, report):
    house = report.house
    for note_id, loaded in report.notes.items():
        note = loaded.spec
        text = pdf_text(real_build / f"build/pdf/{note_id}.pdf")
        language = note.language
        scale = {r.id: r for r in getattr(house.ratings, note.rating_scale)}
        assert squash(getattr(scale[note.rating].label, language)) in text
        for analyst in house.analysts:
            if analyst.id in note.analysts:
                assert squash(analyst.registration) in text
        assert squash(getattr(house.disclaimer, language)) in text
        assert squash(getattr(house.certification, language)) in text


def test_chinese_note_extracts_as_chinese(real_build):
    text = pdf_text(real_build / "build/pdf/media-deepseek-ai-shift.pdf")
    for phrase in ("投资要点", "强于大市", "风险提示", "分析师声明", "DeepSeek", "第1页,共"):
        assert phrase in text
    assert "Page1of" in pdf_text(real_build / "build/pdf/tech-outlook-2025h2.pdf")


def test_pdf_attachments_metadata_and_pages(real_build, report):
    for note_id, loaded in report.notes.items():
        reader = PdfReader(real_build / f"build/pdf/{note_id}.pdf")
        assert 4 <= len(reader.pages) <= 16, (note_id, len(reader.pages))  # with disclosures
        attachments = reader.attachments
        claims = json.loads(attachments["claims.json"][0])
        assert {c["id"] for c in claims["claims"]} >= set(cited_claim_ids(loaded.spec))
        for section in loaded.spec.sections:
            for figure_id in section.figures:
                assert f"{figure_id}.csv" in attachments
        info = reader.metadata
        assert info.title == loaded.spec.title
        assert info.author and info.subject and "/Keywords" in info
        assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged PDF
        assert "/Lang" in reader.trailer["/Root"]



def test_xmp_names_each_author_once(real_build, report):
    # One dc:creator entry per analyst (a catalogue lists them as authors), not one joined string.
    import pikepdf

    from sectornotes.language.languages import name_in

    analysts = {analyst.id: analyst for analyst in report.house.analysts}
    for note_id, loaded in report.notes.items():
        note = loaded.spec
        expected = [name_in(analysts[a], "name", note.language) for a in note.analysts]
        with pikepdf.open(real_build / f"build/pdf/{note_id}.pdf") as pdf:
            creators = pdf.open_metadata()["dc:creator"]
        assert list(creators) == expected, (note_id, creators)
    assert any(len(loaded.spec.analysts) > 1 for loaded in report.notes.values())


def test_each_attachment_is_an_associated_file_once(real_build, report):
    # PDF/A-3: the catalogue's /AF names every embedded file, each once.
    import pikepdf

    for note_id in report.notes:
        with pikepdf.open(real_build / f"build/pdf/{note_id}.pdf") as pdf:
            listed = [str(spec.F) for spec in pdf.Root.AF]
            embedded = [str(name) for name in pdf.Root.Names.EmbeddedFiles.Names[::2]]
            relationships = {str(spec.AFRelationship) for spec in pdf.Root.AF}
        assert sorted(listed) == sorted(embedded) and len(set(listed)) == len(listed), \
            (note_id, listed)
        assert relationships == {"/Data"}, relationships

def test_qpdf_check_and_embedded_fonts(real_build, report):
    for note_id in report.notes:
        path = real_build / f"build/pdf/{note_id}.pdf"
        qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert qpdf.returncode == 0, qpdf.stdout + qpdf.stderr
        assert "No syntax or stream encoding errors found" in qpdf.stdout
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts


def test_builds_in_two_directories_are_byte_identical(real_build, tmp_path):
    other = copy_project(tmp_path / "elsewhere" / "deeper")
    result = build(Project(other), jobs=2)
    assert result.ok
    assert output_hashes(other) == output_hashes(real_build)


def test_html_links_citations_to_highlighted_sources(real_build, report):
    html = (real_build / "build/html/china-ai-after-deepseek.html").read_text()
    claim_id = cited_claim_ids(report.notes["china-ai-after-deepseek"].spec)[0]
    source_id = report.registry.get(claim_id).source_id
    assert f'href="../sources/{source_id}.html#{claim_id}"' in html
    source_html = (real_build / f"build/sources/{source_id}.html").read_text()
    assert f'id="{claim_id}"' in source_html
    assert f"c-{claim_id}" in source_html
    assert str(real_build) not in html and str(REPO_ROOT) not in html and "file://" not in html


def test_endnotes_name_the_paragraph_never_a_file_path(sample_project):
    from sectornotes.engine.run import build as run_build

    assert run_build(Project(sample_project), formats=("html",)).ok
    for page in ("capex-note", "auto-note"):
        html = (sample_project / f"build/html/{page}.html").read_text(encoding="utf-8")
        assert "seeds/" not in html and ".txt:" not in html
    assert "第 5 段" in (sample_project / "build/html/auto-note.html").read_text(encoding="utf-8")


def test_endnotes_say_what_kind_of_source_each_is(repo_project):
    from sectornotes.api import render_note_html

    html = render_note_html(repo_project, "china-ai-after-deepseek")
    assert '<span class="endnote-tier">Broker research: </span>' in html
    assert '<span class="endnote-tier">News digest (secondary): </span>' in html
    zh = render_note_html(repo_project, "media-deepseek-ai-shift")
    assert '<span class="endnote-tier">新闻摘要（二手）：</span>' in zh


def test_no_pdf_uses_a_synthesised_slanted_cjk_face(sample_project):
    from sectornotes.engine.run import build as run_build

    edit_file(sample_project / "notes/auto-note.yaml", "      同比增长", "      *同比*增长")
    assert run_build(Project(sample_project)).ok
    for pdf in ("capex-note", "auto-note"):
        fonts = subprocess.run(["pdffonts", str(sample_project / f"build/pdf/{pdf}.pdf")],
                               capture_output=True, text=True, check=True).stdout
        slanted = [line for line in fonts.splitlines()
                   if "CJK" in line and re.search("Oblique|Italic", line)]
        assert slanted == [], slanted


def page_texts(path: Path) -> list[str]:
    pages = len(PdfReader(path).pages)
    return [squash(subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(n), "-l", str(n),
                                   str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout) for n in range(1, pages + 1)]


def test_the_published_form_of_each_regime_is_in_the_pdf(real_build):
    english = real_build / "build/pdf/tech-outlook-2025h2.pdf"
    pages = page_texts(english)
    assert "证券研究报告" in pages[0]
    assert all(squash("Please read the disclosures and disclaimer") in page for page in pages)
    text = "".join(pages)
    for phrase in ("Analyst certification (Regulation AC)", "Published under: FINRA 2241, MAR, "
                   "CSRC", "Completed: 5 Jun 2025 07:30 (UTC+08:00)", "23:30 UTC",
                   "Released: 5 Jun 2025 08:00 (UTC+08:00) · 5 Jun 2025 00:00 UTC",
                   "Recommendations in the past 12 months", "China AI after DeepSeek",
                   "Distribution of ratings as of 31 Mar 2025", "licence number SAMPLE-ZX-0000",
                   "Financial Conduct Authority", "does not treat a recipient as its client",
                   "has not received compensation for investment banking services from "
                   "Technology", "Technology: price and rating history",
                   "Illustrative data, not market prices", "Valuation and method",
                   "Planned updates: Half-yearly",
                   "Expected to return more than +5% relative to the CSI 300 Index over the "
                   "next 12 months"):
        assert squash(phrase) in text, phrase
    chinese = page_texts(real_build / "build/pdf/media-deepseek-ai-shift.pdf")
    assert "证券研究报告" in chinese[0]
    assert all("请务必阅读正文之后的信息披露和免责声明" in page for page in chinese)
    for phrase in ("过去12个月的投资评级", "截至2024年12月31日尚未发布任何评级",
                   "本公司不会因接收人收到本报告而视其为客户", "经营证券期货业务许可证编号：SAMPLE",
                   "执业证书编号：SAMPLE-S0002-2025", "分析师声明", "风险提示",
                   "本公司一名员工担任中国传媒行业某行业委员会委员"):
        assert squash(phrase) in "".join(chinese), phrase


def test_chinese_lines_are_not_stretched_at_the_spaces_beside_latin_words(real_build):
    """Justifying a Chinese line can only widen its spaces (beside Latin words and numbers):
    in the laid-out Chinese note no line is widened; the English note is justified."""
    import weasyprint

    from sectornotes.engine.stages import render_note_page
    from sectornotes.loaded.project import load_project

    model = load_project(real_build)

    def widened(note_id: str) -> list[str]:
        html = render_note_page(model, note_id, "pdf").html
        document = weasyprint.HTML(string=html, base_url=str(real_build / "build/html") + "/")
        found = []
        for page in document.render().pages:
            for box in page._page_box.descendants():
                if getattr(box, "justification_spacing", 0) and getattr(box, "text", "").strip():
                    found.append(box.text)
        return found

    assert widened("tech-outlook-2025h2")  # the check can see a justified line
    assert widened("media-deepseek-ai-shift") == []


def test_chinese_in_english_notes_is_set_in_the_chinese_face(real_build):
    # Each Han run carries lang="zh-Hans", so WeasyPrint sets it in Noto Sans CJK SC, never
    # in the face fontconfig prefers for an English page (the Japanese one).
    han = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
    for note_id in ("china-ai-after-deepseek", "tech-outlook-2025h2"):
        faces: dict[str, int] = {}

        def visit(text, cm, tm, font, size, faces=faces):
            if font is not None and han.search(text or ""):
                name = str(font.get("/BaseFont", "")).split("+")[-1]
                faces[name] = faces.get(name, 0) + len(han.findall(text))

        for page in PdfReader(real_build / f"build/pdf/{note_id}.pdf").pages:
            page.extract_text(visitor_text=visit)
        assert faces, f"{note_id}: no Chinese found in the PDF"
        assert all(name.startswith("Noto-Sans-CJK-SC") for name in faces), (note_id, faces)
@pytest.mark.parametrize("note_id", ["china-ai-after-deepseek", "media-deepseek-ai-shift",
                                     "tech-outlook-2025h2"])
def test_client_copies_of_the_sample_notes_are_lean_standard_updates(real_build, note_id,
                                                                       tmp_path):
    import pikepdf

    from sectornotes.distribute.stamp import stamp_copies

    from .test_distribute import qpdf_problems

    base = (real_build / f"build/pdf/{note_id}.pdf").read_bytes()
    stamps = [("Prepared for Harbor Light Capital · 2025-06-01 · ref 0123456789ab",
               "0123456789abcdef0123456789abcdef"),
              ("Prepared for Northwind Pension Fund · 2025-06-01 · ref fedcba987654",
               "fedcba9876543210fedcba9876543210")]
    copies = stamp_copies(base, stamps, ["Noto Sans CJK SC"])
    with pikepdf.open(io.BytesIO(base)) as original:
        base_id, base_size = bytes(original.trailer.ID[0]), int(original.trailer.Size)
        pages = len(original.pages)
    for (footer, watermark), copy in zip(stamps, copies, strict=True):
        assert copy.startswith(base) and len(copy) <= 1.1 * len(base), (len(copy), len(base))
        path = tmp_path / f"{watermark}.pdf"
        path.write_bytes(copy)
        assert qpdf_problems(path) == []
        with pikepdf.open(path) as pdf:
            assert bytes(pdf.trailer.ID[0]) == base_id  # the document's own identifier
            assert bytes(pdf.trailer.ID[1]) == watermark.encode()
            assert str(pdf.docinfo["/SectornotesWatermark"]) == watermark
            new_streams = [o for o in pdf.objects if isinstance(o, pikepdf.Stream)
                           and o.objgen[0] >= base_size]
            assert new_streams and all(o.stream_dict.get("/Filter") == "/FlateDecode"
                                       for o in new_streams)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert text.count(footer) == pages


@pytest.mark.xfail(strict=True, reason="known gap: a Chinese client name brings a Noto Sans "
                   "CJK subset that WeasyPrint embeds with retained glyph ids (~75-90 KB), "
                   "more than a tenth of the smaller sample notes")
def test_a_copy_for_a_chinese_client_name_is_also_within_a_tenth(real_build):
    from sectornotes.distribute.stamp import stamp_copies

    base = (real_build / "build/pdf/tech-outlook-2025h2.pdf").read_bytes()
    copy, = stamp_copies(base, [("Prepared for 翠江资产管理 · 2025-06-01 · ref fedcba987654",
                                 "fedcba9876543210fedcba9876543210")], ["Noto Sans CJK SC"])
    assert len(copy) <= 1.1 * len(base)
