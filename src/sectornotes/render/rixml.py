"""RIXML 2.3.1 metadata for the research aggregators: build/rixml/<note>.xml.

The document follows the official RIXML 2.3.1 schema (namespace
http://www.rixml.org/2010/1/RIXML) and is structured as aggregators read it:

- Source: the publishing firm, its analysts as authors (Person with FamilyName and
  GivenName, the first named primary);
- Content: title, subtitle, abstract from the key points, and the PDF as the primary
  Resource (sizeInBytes, MIME type; its SHA-256 in Comments, RIXML having no checksum
  element);
- Context: each rated company as an Issuer with its Security (SecurityID by RIC, ISIN and
  Bloomberg where the note gives them, AssetClass Equity / AssetType Stock, the house's
  rating as a publisher-defined Rating and the target as SecurityFinancials of type
  TargetPrice); the note's sector as a publisher-defined SectorIndustry carrying the
  sector rating, beside its GICS match from house.yaml.

Generated from the note, house.yaml and the built PDF; deterministic (sorted, no clock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from ..language.i18n import find_rating, rating_definition, rating_label, rating_scale
from ..language.languages import language as language_of
from ..language.languages import localized, name_in

if TYPE_CHECKING:
    from ..inputs.schema import House, Note, Subject
    from ..loaded.project import LoadedProject

NAMESPACE = "http://www.rixml.org/2010/1/RIXML"
SCHEMA_VERSION = "2.3.1"


# Characters XML 1.0 cannot hold at all (escaping does not help): C0 controls but tab and
# line ends, surrogates, U+FFFE/U+FFFF. check keeps them out of titles and names; this
# keeps any other text from making the document unreadable to an aggregator's parser.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text an XML 1.0 parser accepts: characters XML cannot hold are dropped."""
    return _NOT_XML.sub("", text)


def _element(parent: ElementTree.Element, tag: str, text: str | None = None,
             **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, {k: xml_text(v) for k, v in attributes.items()
                                                   if v})
    if text is not None:
        element.text = xml_text(text)
    return element


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def publication_time(model: LoadedProject, note_id: str) -> str:
    """The note's publication date-time in UTC (its release time, else its date at 00:00)."""
    note = model.notes[note_id].spec
    release = getattr(note, "release", None)
    if isinstance(release, dt.datetime):
        moment = release if release.tzinfo else release.replace(tzinfo=dt.UTC)
    else:
        moment = dt.datetime.combine(note.date, dt.time(0, 0), tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def split_name(name: str, family_name: str | None) -> tuple[str, str]:
    """(family name, given names) of a name as written: the family name given, else the
    last word ('Daniel Okafor' → ('Okafor', 'Daniel'); 'Lin Mei' with 'Lin' → ('Lin', 'Mei'))."""
    words = name.split()
    family = family_name or words[-1]
    family_words = family.split()
    for start in range(len(words) - len(family_words) + 1):
        if words[start:start + len(family_words)] == family_words:
            given = words[:start] + words[start + len(family_words):]
            return family, " ".join(given)
    return family, " ".join(w for w in words if w != family)


def note_rixml(model: LoadedProject, note_id: str, pdf_bytes: bytes) -> bytes:
    """The RIXML document describing one note and its PDF."""
    house = model.house
    assert house is not None  # the build renders nothing without house.yaml
    note = model.notes[note_id].spec
    published = publication_time(model, note_id)
    ElementTree.register_namespace("", NAMESPACE)
    research = ElementTree.Element(f"{{{NAMESPACE}}}Research", {
        "researchID": note_id, "language": language_of(note.language).rixml_code,
        "createDateTime": published})
    product = _element(research, "Product", productID=note_id)
    _element(product, "StatusInfo", currentStatusIndicator="Yes", statusDateTime=published,
             statusType="Published")
    _source(product, house, note)
    _content(product, model, note_id, pdf_bytes)
    context = _element(product, "Context", external="Yes")
    companies = [subject for subject in note.subjects if subject.kind == "company"]
    if companies:
        issuers = _element(context, "IssuerDetails")
        for sequence, subject in enumerate(companies, start=1):
            _issuer(issuers, house, note, subject, sequence)
    details = _element(context, "ProductDetails", periodicalIndicator="No",
                       publicationDateTime=published)
    _element(details, "ProductCategory", productCategory="Report")
    _element(details, "ProductFocus", focus="Issuer" if companies and not _is_sector_note(note)
             else "SectorIndustry", primaryIndicator="Yes")
    _classifications(context, house, note)
    for element in research.iter():  # one namespace, declared once on the root
        if not element.tag.startswith("{"):
            element.tag = f"{{{NAMESPACE}}}{element.tag}"
    ElementTree.indent(research)
    body = ElementTree.tostring(research, encoding="unicode", xml_declaration=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _is_sector_note(note: Note) -> bool:
    return note.rating_scale == "sector"


def _source(product: ElementTree.Element, house: House, note: Note) -> None:
    organization = _element(_element(product, "Source"), "Organization", primaryIndicator="Yes",
                            type="SellSideFirm")
    _element(organization, "OrganizationName", localized(house.firm.name, note.language),
             nameType="Display")
    authors = _element(organization, "PersonGroup", role="Author")
    analysts = {analyst.id: analyst for analyst in house.analysts}
    for sequence, analyst_id in enumerate(note.analysts, start=1):
        analyst = analysts[analyst_id]
        member = _element(authors, "PersonGroupMember", primaryIndicator=_yes(sequence == 1),
                          role="Author", sequence=str(sequence))
        person = _element(member, "Person", personID=analyst.id)
        family, given = split_name(analyst.name, analyst.family_name)
        _element(person, "FamilyName", family)
        if given:
            _element(person, "GivenName", given)
        shown = name_in(analyst, "name", note.language)
        _element(person, "DisplayName", shown)
        if analyst.email:
            _element(_element(person, "ContactInfo", nature="Business"), "Email", analyst.email)


def _content(product: ElementTree.Element, model: LoadedProject, note_id: str,
             pdf_bytes: bytes) -> None:
    from .markdown import plain_text

    house = model.house
    assert house is not None
    note = model.notes[note_id].spec
    language = note.language
    content = _element(product, "Content")
    _element(content, "Title", note.title)
    if note.subtitle:
        _element(content, "SubTitle", note.subtitle)
    labels = {"rating": rating_label(house, note.rating_scale, note.rating, language) or "",
              "previous-rating": rating_label(house, note.rating_scale, note.previous_rating,
                                              language) or ""}
    abstract = " ".join(plain_text(point, model.registry, language, labels)
                        for point in note.key_points)
    _element(content, "Abstract", abstract)
    resource = _element(content, "Resource", language=language_of(language).rixml_code,
                        primaryIndicator="Yes", resourceID=f"{note_id}.pdf",
                        sizeInBytes=str(len(pdf_bytes)))
    _element(resource, "MIMEType", "application/pdf")
    _element(resource, "Name", f"{note_id}.pdf")
    _element(resource, "Comments", f"SHA-256: {hashlib.sha256(pdf_bytes).hexdigest()}")


def _rating(parent: ElementTree.Element, house: House, scale: str, rating_id: str,
            language: str, prior_current: str) -> None:
    """A house rating: publisher-defined, its label as the value, its definition as the
    description, the house as the rating entity."""
    rating = _element(parent, "Rating", priorCurrent=prior_current, rating="PublisherDefined")
    _element(rating, "PublisherDefinedValue", rating_label(house, scale, rating_id, language))
    entity = _element(rating, "RatingEntity", ratingEntity="Publisher")
    _element(entity, "PublisherDefinedValue", localized(house.firm.name, language))
    defined = find_rating(house, scale, rating_id)
    if defined is not None:
        _element(rating, "Description", rating_definition(house, scale, defined, language))


def _issuer(issuers: ElementTree.Element, house: House, note: Note, subject: Subject,
            sequence: int) -> None:
    issuer = _element(issuers, "Issuer", issuerType="Corporate",
                      primaryIndicator=_yes(sequence == 1), sequence=str(sequence))
    security = _element(_element(issuer, "SecurityDetails"), "Security", primaryIndicator="Yes",
                        sequence="1")
    _element(security, "SecurityID", idType="RIC", idValue=subject.id)
    if subject.isin:
        _element(security, "SecurityID", idType="ISIN", idValue=subject.isin)
    if subject.bloomberg:
        _element(security, "SecurityID", idType="Bloomberg", idValue=subject.bloomberg)
    if subject.target:
        target = _element(security, "SecurityFinancials", securityFinancialsType="TargetPrice")
        _element(target, "Currency", subject.target.currency)
        _element(target, "FinancialValue", f"{subject.target.value:g}", estimateActual="Estimate",
                 duration=f"P{house.ratings.horizon_months}M")
    _element(security, "AssetClass", assetClass="Equity")
    _element(security, "AssetType", assetType="Stock")
    _rating(security, house, "company", subject.rating, note.language, "Current")
    _element(_element(issuer, "IssuerName", nameType="Display"), "NameValue", subject.name)
    if subject.name_zh:
        _element(_element(issuer, "IssuerName", nameType="Local"), "NameValue", subject.name_zh)


def rating_action(house: House, scale: str, current: str, previous: str | None) -> str | None:
    """Upgrade, Downgrade or Reiterate against the previous rating (best is first)."""
    order = [rating.id for rating in rating_scale(house, scale)]
    if previous is None or current not in order or previous not in order:
        return None
    change = order.index(previous) - order.index(current)
    return "Upgrade" if change > 0 else "Downgrade" if change < 0 else "Reiterate"


def _classifications(context: ElementTree.Element, house: House, note: Note) -> None:
    classifications = _element(context, "ProductClassifications")
    _element(classifications, "AssetClass", assetClass="Equity")
    action = rating_action(house, "sector", note.rating, note.previous_rating) \
        if _is_sector_note(note) else None
    sector = _element(classifications, "SectorIndustry", classificationType="PublisherDefined",
                      code=note.sector, focusLevel="Yes", level="1", primaryIndicator="Yes",
                      ratingAction=action or "")
    if _is_sector_note(note):
        _rating(sector, house, "sector", note.rating, note.language, "Current")
        if note.previous_rating:
            _rating(sector, house, "sector", note.previous_rating, note.language, "Prior")
    _element(sector, "Name", note.sector_label or note.sector)
    gics = house.gics.get(note.sector)
    if gics is not None:
        match = _element(classifications, "SectorIndustry", classificationType="GICS",
                         code=gics.code, focusLevel="Yes", level=str(len(gics.code) // 2),
                         primaryIndicator="No")
        _element(match, "Name", gics.name)
