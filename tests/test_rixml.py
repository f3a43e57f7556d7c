"""build/rixml/<note>.xml: RIXML metadata describing each built PDF (real PDFs: slow tier)."""

from __future__ import annotations

import hashlib
from xml.etree import ElementTree

import pytest

from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from sectornotes.render.rixml import NAMESPACE

from .conftest import edit_file

pytestmark = pytest.mark.slow
NS = {"r": NAMESPACE}


def parse(path) -> ElementTree.Element:
    return ElementTree.parse(path).getroot()


def test_each_note_gets_rixml_describing_its_pdf(sample_project):
    assert build(Project(sample_project)).ok
    root = parse(sample_project / "build/rixml/capex-note.xml")
    pdf_bytes = (sample_project / "build/pdf/capex-note.pdf").read_bytes()
    assert root.get("researchID") == "capex-note" and root.get("language") == "eng"
    resource = root.find("r:Product/r:Content/r:Resource", NS)
    assert resource.findtext("r:MIMEType", namespaces=NS) == "application/pdf"
    assert resource.findtext("r:SizeInBytes", namespaces=NS) == str(len(pdf_bytes))
    assert resource.findtext("r:Checksum", namespaces=NS) == hashlib.sha256(pdf_bytes).hexdigest()
    product = root.find("r:Product", NS)
    assert product.findtext("r:Content/r:Title", namespaces=NS) == "Capex note"
    assert product.findtext("r:Content/r:Abstract", namespaces=NS) == "Capex grew 59.1%."
    organization = product.find("r:Source/r:Organization", NS)
    assert organization.findtext("r:OrganizationName", namespaces=NS).startswith("Lanternfield")
    assert [p.findtext("r:DisplayName", namespaces=NS) for p in
            organization.iterfind(".//r:Person", NS)] == ["Lin Mei"]
    details = product.find("r:Context/r:ProductDetails", NS)
    assert details.get("publicationDateTime") == "2025-03-05T00:00:00Z"
    ratings = {r.get("priorCurrent"): (r.get("publisherDefinedValue"), r.text)
               for r in product.iterfind(".//r:Rating", NS)}
    assert ratings == {"Current": ("outperform", "Outperform"),
                       "Prior": ("market-perform", "Market perform")}
    zh = parse(sample_project / "build/rixml/auto-note.xml")
    assert zh.get("language") == "chi"
    assert zh.find("r:Product/r:Context/r:ProductClassifications/r:SectorIndustry/r:Name",
                   NS).text == "汽车"


def test_rixml_follows_its_pdf_and_note_and_is_skipped_for_html_builds(sample_project):
    assert build(Project(sample_project), formats=("html",)).ok
    assert not (sample_project / "build/rixml").exists()
    assert build(Project(sample_project)).ok
    edit_file(sample_project / "notes/capex-note.yaml", "title: Capex note", "title: Capex view")
    result = build(Project(sample_project))
    assert sorted(result.built) == ["html/capex-note.html", "pdf/capex-note.pdf",
                                    "rixml/capex-note.xml"]
    assert "note:capex-note changed" not in result.reasons["rixml/capex-note.xml"]
    assert "notes/capex-note.yaml changed" in result.reasons["rixml/capex-note.xml"]
    title = parse(sample_project / "build/rixml/capex-note.xml").findtext(
        "r:Product/r:Content/r:Title", namespaces=NS)
    assert title == "Capex view"


def test_a_failed_pdf_blocks_its_rixml(sample_project):
    (sample_project / "templates").mkdir()
    (sample_project / "templates/note.css").write_text("@import url('https://example.com/x.css');")
    result = build(Project(sample_project))
    assert "pdf/capex-note.pdf" in result.failed
    assert result.failed["rixml/capex-note.xml"] == "build/pdf/capex-note.pdf failed"
    assert not (sample_project / "build/rixml/capex-note.xml").exists()


def test_rixml_names_each_rated_company_with_its_rating_and_target(repo_project):
    from sectornotes.loaded.project import load_project
    from sectornotes.render.rixml import note_rixml

    model = load_project(repo_project)
    root = ElementTree.fromstring(note_rixml(model, "china-ai-after-deepseek", b"%PDF-1.7"))
    issuers = root.findall("r:Product/r:Context/r:IssuerDetails/r:Issuer", NS)
    assert [i.findtext("r:IssuerName/r:NameValue", namespaces=NS) for i in issuers] == \
        ["Tencent", "Alibaba", "Baidu"]
    tencent = issuers[0].find("r:SecurityDetails/r:Security", NS)
    assert tencent.find("r:SecurityID", NS).get("idValue") == "0700.HK"
    target = tencent.find("r:SecurityFinancials/r:TargetPrice", NS)
    assert (target.text, target.get("currencyCode")) == ("580", "HKD")
    assert tencent.find("r:SecurityFinancials/r:Rating", NS).get("publisherDefinedValue") == "buy"


def test_xml_text_drops_what_xml_cannot_hold():
    from xml.etree import ElementTree

    from sectornotes.render.rixml import xml_text

    hostile = "Title\x00\x0b\x1f\ufffe ok\ttab\nline é 中文"
    cleaned = xml_text(hostile)
    assert cleaned == "Title ok\ttab\nline é 中文"
    element = ElementTree.Element("T", {"title": cleaned})
    element.text = cleaned
    ElementTree.fromstring(ElementTree.tostring(element))  # parses
