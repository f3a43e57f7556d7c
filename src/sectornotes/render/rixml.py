"""RIXML metadata for the research aggregators: build/rixml/<note>.xml.

RIXML Level One: the product (id, title, abstract from the key points), its
publication date-time, the publishing organisation and its analysts, the
sector with the note's rating (and, for a company scale, the rating on the
security), and the PDF resource with its size and sha256. Generated from the
note, house.yaml and the built PDF; deterministic (sorted, no clock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from ..language.i18n import rating_label
from ..language.languages import language as language_of
from ..language.languages import localized, name_in
from ..version import __version__

if TYPE_CHECKING:
    from ..loaded.project import LoadedProject

NAMESPACE = "http://www.rixml.org/2005/3/RIXML"


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


def publication_time(model: LoadedProject, note_id: str) -> str:
    """The note's publication date-time in UTC (its release time, else its date at 00:00)."""
    note = model.notes[note_id].spec
    release = getattr(note, "release", None)
    if isinstance(release, dt.datetime):
        moment = release if release.tzinfo else release.replace(tzinfo=dt.UTC)
    else:
        moment = dt.datetime.combine(note.date, dt.time(0, 0), tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def note_rixml(model: LoadedProject, note_id: str, pdf_bytes: bytes) -> bytes:
    """The RIXML document describing one note and its PDF."""
    from .markdown import plain_text

    house = model.house
    assert house is not None  # the build renders nothing without house.yaml
    note = model.notes[note_id].spec
    language = note.language
    published = publication_time(model, note_id)
    ElementTree.register_namespace("", NAMESPACE)
    research = ElementTree.Element("Research", {
        "xmlns": NAMESPACE, "researchID": note_id, "language": language_of(language).rixml_code,
        "createDateTime": published})
    product = _element(research, "Product", productID=note_id)
    _element(product, "StatusInfo", currentStatusIndicator="Yes", statusDateTime=published,
             statusType="Published")
    source = _element(product, "Source")
    organization = _element(source, "Organization", type="SellSideFirm", primaryIndicator="Yes")
    _element(organization, "OrganizationName", localized(house.firm.name, language),
             nameType="Display")
    people = _element(organization, "PersonGroup")
    analysts = {analyst.id: analyst for analyst in house.analysts}
    for sequence, analyst_id in enumerate(note.analysts, start=1):
        analyst = analysts[analyst_id]
        member = _element(people, "PersonGroupMember", primaryIndicator="Yes" if sequence == 1
                          else "No", sequence=str(sequence))
        person = _element(member, "Person", personID=analyst.id)
        _element(person, "DisplayName", analyst.name)
        if analyst.email:
            contact = _element(person, "ContactInfo", nature="Business")
            _element(contact, "Email", analyst.email)
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
                        primaryIndicator="Yes", resourceID=f"{note_id}.pdf")
    _element(resource, "MIMEType", "application/pdf")
    _element(resource, "SizeInBytes", str(len(pdf_bytes)))
    _element(resource, "Name", f"{note_id}.pdf")
    _element(resource, "Checksum", hashlib.sha256(pdf_bytes).hexdigest(), algorithm="SHA-256")
    context = _element(product, "Context", external="Yes")
    companies = [subject for subject in note.subjects if subject.kind == "company"]
    if companies:
        issuers = _element(context, "IssuerDetails")
        for index, subject in enumerate(companies):
            issuer = _element(issuers, "Issuer", issuerType="Corporate",
                              primaryIndicator="Yes" if index == 0 else "No")
            security = _element(_element(issuer, "SecurityDetails"), "Security",
                                primaryIndicator="Yes")
            _element(security, "SecurityID", idType="Ticker", idValue=subject.id)
            financials = _element(security, "SecurityFinancials")
            _element(financials, "Rating", rating_label(house, "company", subject.rating,
                                                        language), ratingType="company-rating",
                     priorCurrent="Current", publisherDefinedValue=subject.rating)
            if subject.target:
                _element(financials, "TargetPrice", f"{subject.target.value:g}",
                         currencyCode=subject.target.currency)
            name = _element(issuer, "IssuerName")
            _element(name, "NameValue", name_in(subject, "name", language))
    details = _element(context, "ProductDetails", periodicalIndicator="No",
                       publicationDateTime=published)
    _element(details, "ProductCategory", productCategory="Report")
    classifications = _element(context, "ProductClassifications")
    sector = _element(classifications, "SectorIndustry", classificationType="PublisherDefined",
                      code=note.sector, level="1", focusLevel="Yes")
    _element(sector, "Name", note.sector_label or note.sector)
    rating = _element(classifications, "Subject", publisherDefinedValue="Rating")
    _element(rating, "Rating", labels["rating"], ratingType=f"{note.rating_scale}-rating",
             priorCurrent="Current", publisherDefinedValue=note.rating)
    if note.previous_rating:
        _element(rating, "Rating", labels["previous-rating"],
                 ratingType=f"{note.rating_scale}-rating", priorCurrent="Prior",
                 publisherDefinedValue=note.previous_rating)
    _element(research, "Generator", f"sectornotes {__version__}")
    ElementTree.indent(research)
    body = ElementTree.tostring(research, encoding="unicode", xml_declaration=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
