"""build/rixml/<note>.xml: RIXML 2.3.1 describing each built PDF, read back by a small
consumer that extracts what research aggregators take from it (real PDFs: slow tier).

The official schema may not be redistributed, so it is not in the repository: the
validation tests read it from $SECTORNOTES_RIXML_SCHEMA (a folder holding
RIXML-2_3_1.xsd and the two files it includes, as published in schema/RIX/ of
github.com/broward/ModelDrivenNode) or ~/.cache/sectornotes/rixml-2.3.1/, and are
skipped, saying so, when neither holds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from sectornotes.engine.run import build
from sectornotes.inputs.project import Project
from sectornotes.render.rixml import NAMESPACE

from .conftest import REPO_ROOT, edit_file, line_of

pytestmark = pytest.mark.slow
NS = {"r": NAMESPACE}
SAMPLE_NOTES = ("china-ai-after-deepseek", "media-deepseek-ai-shift", "tech-outlook-2025h2")
SCHEMA_FILE = "RIXML-2_3_1.xsd"


def parse(path) -> ElementTree.Element:
    return ElementTree.parse(path).getroot()


def schema_folder() -> Path | None:
    """Where the official RIXML 2.3.1 schema is kept on this machine, if anywhere."""
    given = os.environ.get("SECTORNOTES_RIXML_SCHEMA")
    candidates = [Path(given)] if given else []
    candidates.append(Path.home() / ".cache/sectornotes/rixml-2.3.1")
    return next((folder for folder in candidates if (folder / SCHEMA_FILE).is_file()), None)


@pytest.fixture(scope="module")
def rixml_schema():
    folder = schema_folder()
    if folder is None:
        pytest.skip(f"the official RIXML 2.3.1 schema is not on this machine: set "
                    f"SECTORNOTES_RIXML_SCHEMA to a folder holding {SCHEMA_FILE}, "
                    "RIXML-Common-2_3_1.xsd and RIXML-datatypes-2_3_1.xsd (schema/RIX/ of "
                    "github.com/broward/ModelDrivenNode) to run it")
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(folder / SCHEMA_FILE)))


def schema_errors(schema, xml_bytes: bytes) -> list[str]:
    from lxml import etree

    schema.validate(etree.fromstring(xml_bytes))
    return [f"{error.line}: {error.message}" for error in schema.error_log]


# A consumer as an aggregator's pipeline is written: it reads only what RIXML defines.

def _text(element: ElementTree.Element | None, path: str) -> str | None:
    return None if element is None else element.findtext(path, namespaces=NS)


def _ratings(parent: ElementTree.Element) -> dict[str, tuple[str | None, str | None, str | None]]:
    """{priorCurrent: (kind, value, entity)} of the Rating children of an element."""
    return {r.get("priorCurrent", "Current"): (
                r.get("rating"), _text(r, "r:PublisherDefinedValue"),
                r.find("r:RatingEntity", NS).get("ratingEntity"))
            for r in parent.findall("r:Rating", NS)}


def consume(xml_bytes: bytes) -> dict:
    root = ElementTree.fromstring(xml_bytes)
    product = root.find("r:Product", NS)
    people = product.findall("r:Source/r:Organization/r:PersonGroup/r:PersonGroupMember", NS)
    issuers = []
    for issuer in product.findall("r:Context/r:IssuerDetails/r:Issuer", NS):
        security = issuer.find("r:SecurityDetails/r:Security[@primaryIndicator='Yes']", NS)
        target = security.find("r:SecurityFinancials[@securityFinancialsType='TargetPrice']", NS)
        issuers.append({
            "name": _text(issuer, "r:IssuerName[@nameType='Display']/r:NameValue"),
            "ids": {i.get("idType"): i.get("idValue")
                    for i in security.findall("r:SecurityID", NS)},
            "asset": (security.find("r:AssetClass", NS).get("assetClass"),
                      security.find("r:AssetType", NS).get("assetType")),
            "rating": _ratings(security),
            "target": None if target is None else (
                float(_text(target, "r:FinancialValue")), _text(target, "r:Currency"))})
    sectors = {s.get("classificationType"): (s.get("code"), _text(s, "r:Name"), _ratings(s))
               for s in product.findall("r:Context/r:ProductClassifications/r:SectorIndustry",
                                        NS)}
    resource = product.find("r:Content/r:Resource[@primaryIndicator='Yes']", NS)
    return {
        "id": root.get("researchID"), "language": root.get("language"),
        "published": product.find("r:Context/r:ProductDetails", NS).get("publicationDateTime"),
        "analysts": [(_text(m, "r:Person/r:FamilyName"), _text(m, "r:Person/r:GivenName"),
                      m.get("primaryIndicator")) for m in people],
        "asset_class": [a.get("assetClass") for a in
                        product.findall("r:Context/r:ProductClassifications/r:AssetClass", NS)],
        "issuers": issuers, "sectors": sectors,
        "resource": (resource.get("sizeInBytes"), _text(resource, "r:MIMEType"),
                     _text(resource, "r:Comments")),
    }


def expected_from_yaml(root: Path, note_id: str, pdf_bytes: bytes) -> dict:
    """What the note and house.yaml say, read from the files themselves."""
    house = yaml.safe_load((root / "house.yaml").read_text(encoding="utf-8"))
    note = yaml.safe_load((root / f"notes/{note_id}.yaml").read_text(encoding="utf-8"))
    language = note["language"]
    firm_labels = {scale: {r["id"]: r["label"][language] for r in house["ratings"][scale]}
                   for scale in ("company", "sector")}
    analysts = {a["id"]: a for a in house["analysts"]}
    family = {"lin-mei": ("Lin", "Mei"), "zhou-hang": ("Zhou", "Hang"),
              "daniel-okafor": ("Okafor", "Daniel")}
    sector_ratings = {"Current": ("PublisherDefined", firm_labels["sector"][note["rating"]],
                                  "Publisher")}
    if note.get("previous_rating"):
        sector_ratings["Prior"] = ("PublisherDefined",
                                   firm_labels["sector"][note["previous_rating"]], "Publisher")
    gics = house["gics"][note["sector"]]
    return {
        "id": note_id, "language": {"en": "eng", "zh": "zho"}[language],
        "published": note["release"].astimezone(dt.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"),
        "analysts": [(*family[a], "Yes" if i == 0 else "No")
                     for i, a in enumerate(note["analysts"]) if a in analysts],
        "asset_class": ["Equity"],
        "issuers": [{
            "name": s["name"],
            "ids": {"RIC": s["id"], **({"ISIN": s["isin"]} if "isin" in s else {}),
                    **({"Bloomberg": s["bloomberg"]} if "bloomberg" in s else {})},
            "asset": ("Equity", "Stock"),
            "rating": {"Current": ("PublisherDefined", firm_labels["company"][s["rating"]],
                                   "Publisher")},
            "target": (s["target"]["value"], s["target"]["currency"]) if "target" in s
            else None} for s in note["subjects"] if s["kind"] == "company"],
        "sectors": {
            "PublisherDefined": (note["sector"], note.get("sector_label", note["sector"]),
                                 sector_ratings),
            "GICS": (gics["code"], gics["name"], {})},
        "resource": (str(len(pdf_bytes)), "application/pdf",
                     f"SHA-256: {hashlib.sha256(pdf_bytes).hexdigest()}"),
    }


@pytest.fixture(scope="module")
def sample_rixml() -> dict[str, tuple[bytes, bytes]]:
    """{note id: (RIXML, the PDF bytes it describes)} of this repository's three notes."""
    from sectornotes.loaded.project import load_project
    from sectornotes.render.rixml import note_rixml

    model = load_project(Project(REPO_ROOT))
    out = {}
    for note_id in SAMPLE_NOTES:
        pdf_bytes = f"%PDF-1.7 stand-in for {note_id}".encode()
        out[note_id] = (note_rixml(model, note_id, pdf_bytes), pdf_bytes)
    return out


@pytest.mark.parametrize("note_id", SAMPLE_NOTES)
def test_a_consumer_reads_what_each_sample_note_says(sample_rixml, note_id):
    xml_bytes, pdf_bytes = sample_rixml[note_id]
    assert consume(xml_bytes) == expected_from_yaml(REPO_ROOT, note_id, pdf_bytes)


def test_the_rated_companies_are_issuers_with_ric_isin_rating_and_target(sample_rixml):
    issuers = consume(sample_rixml["china-ai-after-deepseek"][0])["issuers"]
    assert [i["name"] for i in issuers] == ["Tencent", "Alibaba", "Baidu"]
    assert issuers[0] == {
        "name": "Tencent",
        "ids": {"RIC": "0700.HK", "ISIN": "KYG875721634", "Bloomberg": "700 HK Equity"},
        "asset": ("Equity", "Stock"),
        "rating": {"Current": ("PublisherDefined", "Buy", "Publisher")},
        "target": (580.0, "HKD")}
    # The sector notes classify by sector, with the sector rating there and nowhere else.
    media = consume(sample_rixml["media-deepseek-ai-shift"][0])
    assert media["issuers"] == [] and media["language"] == "zho"
    assert media["sectors"] == {
        "PublisherDefined": ("media", "传媒", {"Current": ("PublisherDefined", "强于大市",
                                                           "Publisher"),
                                              "Prior": ("PublisherDefined", "强于大市",
                                                        "Publisher")}),
        "GICS": ("5020", "Media & Entertainment", {})}
    root = ElementTree.fromstring(sample_rixml["media-deepseek-ai-shift"][0])
    assert root.find(".//r:Subject", NS) is None and root.find(".//r:Generator", NS) is None
    sector = root.find(".//r:SectorIndustry[@classificationType='PublisherDefined']", NS)
    assert sector.get("ratingAction") == "Reiterate"
    gics = root.find(".//r:SectorIndustry[@classificationType='GICS']", NS)
    assert (gics.get("level"), gics.get("primaryIndicator")) == ("2", "No")
    tech = ElementTree.fromstring(sample_rixml["china-ai-after-deepseek"][0])
    assert tech.find(".//r:SectorIndustry[@classificationType='PublisherDefined']",
                     NS).get("ratingAction") == "Upgrade"


@pytest.mark.parametrize("note_id", SAMPLE_NOTES)
def test_each_sample_note_validates_against_the_official_schema(rixml_schema, sample_rixml,
                                                                note_id):
    assert schema_errors(rixml_schema, sample_rixml[note_id][0]) == []


def test_built_rixml_validates_and_describes_its_pdf(rixml_schema, sample_project):
    assert build(Project(sample_project)).ok
    for note_id in ("capex-note", "auto-note"):
        xml_bytes = (sample_project / f"build/rixml/{note_id}.xml").read_bytes()
        assert schema_errors(rixml_schema, xml_bytes) == []


def test_the_schema_is_looked_for_in_the_named_folder_then_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("SECTORNOTES_RIXML_SCHEMA", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert schema_folder() is None
    (tmp_path / SCHEMA_FILE).write_text("<schema/>")
    assert schema_folder() == tmp_path


def test_each_note_gets_rixml_describing_its_pdf(sample_project):
    assert build(Project(sample_project)).ok
    xml_bytes = (sample_project / "build/rixml/capex-note.xml").read_bytes()
    pdf_bytes = (sample_project / "build/pdf/capex-note.pdf").read_bytes()
    read = consume(xml_bytes)
    assert (read["id"], read["language"]) == ("capex-note", "eng")
    assert read["resource"] == (str(len(pdf_bytes)), "application/pdf",
                                f"SHA-256: {hashlib.sha256(pdf_bytes).hexdigest()}")
    assert read["published"] == "2025-03-05T00:00:00Z"
    assert read["analysts"] == [("Lin", "Mei", "Yes")]
    assert read["sectors"] == {
        "PublisherDefined": ("tech", "tech", {
            "Current": ("PublisherDefined", "Outperform", "Publisher"),
            "Prior": ("PublisherDefined", "Market perform", "Publisher")}),
        "GICS": ("45", "Information Technology", {})}
    root = ElementTree.fromstring(xml_bytes)
    product = root.find("r:Product", NS)
    assert product.findtext("r:Content/r:Title", namespaces=NS) == "Capex note"
    assert product.findtext("r:Content/r:Abstract", namespaces=NS) == "Capex grew 59.1%."
    organization = product.find("r:Source/r:Organization", NS)
    assert organization.findtext("r:OrganizationName", namespaces=NS).startswith("Lanternfield")
    assert [p.findtext("r:DisplayName", namespaces=NS) for p in
            organization.iterfind(".//r:Person", NS)] == ["Lin Mei"]
    zh = consume((sample_project / "build/rixml/auto-note.xml").read_bytes())
    assert zh["language"] == "zho" and zh["analysts"] == [("Zhou", "Hang", "Yes")]
    assert zh["sectors"]["PublisherDefined"][:2] == ("autos", "汽车")
    assert zh["sectors"]["GICS"][:2] == ("2510", "Automobiles & Components")


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


def test_xml_text_drops_what_xml_cannot_hold():
    from xml.etree import ElementTree

    from sectornotes.render.rixml import xml_text

    hostile = "Title\x00\x0b\x1f\ufffe ok\ttab\nline é 中文"
    cleaned = xml_text(hostile)
    assert cleaned == "Title ok\ttab\nline é 中文"
    element = ElementTree.Element("T", {"title": cleaned})
    element.text = cleaned
    ElementTree.fromstring(ElementTree.tostring(element))  # parses


def findings(root: Path) -> list[str]:
    from sectornotes.loaded.project import load_project

    return [f.format() for f in load_project(Project(root), cache=False).errors]


def test_a_mistyped_isin_is_one_error_at_its_place(sample_project):
    note = sample_project / "notes/capex-note.yaml"
    edit_file(note, "analysts: [lin-mei]\n", "analysts: [lin-mei]\nsubjects:\n"
              "  - {id: 0700.HK, kind: company, name: Tencent, rating: buy, isin: KYG875721635}\n"
              "  - {id: 9988.HK, kind: company, name: Alibaba, rating: buy, isin: G01719114}\n")
    line = line_of(note, "  - {id: 0700.HK")
    lines = note.read_text(encoding="utf-8").splitlines()
    column = [lines[line - 1].index("KYG"), lines[line].index("G017")]
    assert [e for e in findings(sample_project) if e.startswith("notes/")] == [
        f"notes/capex-note.yaml:{line}:{column[0] + 1}: error: subjects[0].isin: ISIN "
        "KYG875721635 has a wrong check digit (mistyped?)",
        f"notes/capex-note.yaml:{line + 1}:{column[1] + 1}: error: subjects[1].isin: "
        "'G01719114' is not an "
        "ISIN: two letters, nine letters or digits and a check digit (e.g. KYG875721634)"]


def test_a_bad_gics_code_or_family_name_is_one_error_in_house_yaml(sample_project):
    house = sample_project / "house.yaml"
    edit_file(house, 'media: {code: "5020",', 'media: {code: "502",')
    edit_file(house, "family_name: Zhou", "family_name: Zhu")
    found = [e for e in findings(sample_project) if e.startswith("house.yaml")]
    assert found == [
        f"house.yaml:{line_of(house, '    family_name: Zhu')}:18: error: "
        "analysts[1].family_name: 'Zhu' is not a word of the name 'Zhou Hang'",
        f"house.yaml:{line_of(house, '  media: {')}:17: error: gics.media.code: '502' is not "
        "a GICS code of 2, 4, 6 or 8 digits (sector, industry group, industry, sub-industry, "
        "e.g. 45)"]
