"""English: the UI strings, units and typographic rules of notes in English."""

from __future__ import annotations

from decimal import Decimal

from .languages import Language

STRINGS = {
    # note and source pages
    "key_points": "Key points", "rating": "Sector rating", "company_rating": "Rating",
    "previous": "Previous", "maintained": "maintained", "upgraded": "upgraded",
    "downgraded": "downgraded", "analysts": "Analysts", "registration": "Reg. no.",
    "date": "Date", "risks": "Risk warnings", "certification": "Analyst certification",
    "disclaimer": "Disclaimer", "ratings": "Rating definitions",
    "company_scale": "Company ratings", "sector_scale": "Sector ratings",
    "endnotes": "Sources of every cited claim", "figure": "Figure", "related": "Related notes",
    "page": "Page", "of": "of", "sample": "Sample", "regulatory": "Regulatory statement",
    "quote_at": "at", "claim": "Claim", "horizon": "Benchmarks and horizon",
    "source_claims": "Claims drawn from this source", "back": "Back",
    "same_passage": "Same passage as note", "data": "data (CSV)", "paragraph": "¶ {n}",
    "later_note": " (a later note)",
    "colon": ": ", "parenthesized": " ({})", "page_footer": "Page {page} of {pages}",
    "mixed_note": "(Mixed: {reason}.)", "tier_company": "Company (primary)",
    "tier_broker-research": "Broker research",
    "tier_news-digest": "News digest (secondary)", "tier_data-vendor": "Data vendor",
    "tier_house": "House model (estimates)", "page_place": "p. {n}",
    # client email
    "email_rating": "Rating: {rating}", "email_previous": " (previous: {previous})",
    "email_key_points": "Key points:",
    "email_personal": "The attached PDF is prepared for you alone; please do not forward it.",
    "email_stamp": "Prepared for {client} · {date} · ref {ref}",
    "stamp_first_dissemination": " · first disseminated {at}",
    "email_disclosures": "Important disclosures, the analyst certification and the rating "
                         "definitions are at the end of the attached PDF.",
    # qualifiers written at a number in the source, shown before it
    "qualifier_over": "over ", "qualifier_under": "under ", "qualifier_nearly": "nearly ",
    "qualifier_about": "about ", "qualifier_up-to": "up to ", "qualifier_at-least": "at least ",
    # disclosures (generated from compliance.yaml and the project's notes)
    "certification_regac": "Analyst certification (Regulation AC)",
    "research_report": "Securities research report",
    "footer_disclosures": "Please read the disclosures and disclaimer at the end of this note.",
    "completed": "Completed", "released": "Released", "first_dissemination":
        "First disseminated: see the distribution stamp",
    "regimes": "Published under", "disclosures": "Important disclosures",
    "subjects": "Coverage in this note", "target": "Target",
    "conflicts": "Conflicts of interest",
    "history": "Recommendations in the past 12 months", "history_none":
        "No earlier recommendation in the past 12 months.",
    "this_note": "this note", "note_title": "Note",
    "distribution": "Distribution of ratings as of {date}",
    "distribution_none": "No ratings had been published as of {date}.",
    "distribution_count": "Subjects", "distribution_share": "% of scale",
    "distribution_banking": "Banking clients", "distribution_banking_share": "% banking clients",
    "category": "FINRA category",
    "category_buy": "Buy", "category_hold": "Hold", "category_sell": "Sell",
    "valuation": "Valuation and method", "sensitivity": "Sensitivity to key assumptions",
    "update_frequency": "Planned updates", "competent_authority": "Regulator",
    "licence": "Licence", "recipients": "Recipients",
    "chart_title": "{name}: price and rating history",
    "chart_caption": "{names}, rebased to 100 at the start. Markers: rating or target "
                     "changes. Source: {provider}, as of {as_of}.",
    "chart_illustrative": " Illustrative data, not market prices.",
    "list_separator": ", ",
    "kind_fact": "Fact", "kind_estimate": "Estimate", "kind_forecast": "Forecast",
    "kind_opinion": "Opinion", "kind_data": "Data", "rebased_axis": "Rebased (start = 100)",
    "coverage_columns": "Ticker|Rating|Target|Price|Upside|EPS {p1}|EPS {p2}|P/E {p1}|P/E {p2}",
    "definition_above": "Expected to return more than {low} relative to {benchmark} over the "
                        "next {months} months.",
    "definition_between": "Expected to return between {low} and {high} relative to "
                          "{benchmark} over the next {months} months.",
    "definition_below": "Expected to return less than {high} relative to {benchmark} over "
                        "the next {months} months.",
    "the_benchmark": "the benchmark",
    "disclose_banking_past_12_months_yes": "{firm} has received compensation for investment "
        "banking services from {name} in the past 12 months.",
    "disclose_banking_past_12_months_no": "{firm} has not received compensation for investment "
        "banking services from {name} in the past 12 months.",
    "disclose_banking_next_3_months_yes": "{firm} expects to receive or intends to seek "
        "compensation for investment banking services from {name} in the next 3 months.",
    "disclose_banking_next_3_months_no": "{firm} does not expect to receive or intend to seek "
        "compensation for investment banking services from {name} in the next 3 months.",
    "disclose_holdings_1pct_yes": "{firm} beneficially owns 1% or more of a class of equity "
        "securities of {name}.",
    "disclose_holdings_1pct_no": "{firm} does not beneficially own 1% or more of any class of "
        "equity securities of {name}.",
    "disclose_market_making_yes": "{firm} makes a market in the securities of {name}.",
    "disclose_market_making_no": "{firm} does not make a market in the securities of {name}.",
    "disclose_analyst_holdings_yes": "{analysts} or a member of their household holds "
        "securities of {name}.",
    "disclose_analyst_holdings_no": "No analyst named in this note, nor a member of their "
        "household, holds securities of {name}.",
}

# (prefix, suffix) per unit; scale changes in RESCALE.
UNITS = {
    "%": ("", "%"), "pp": ("", "pp"), "x": ("", "x"),
    "USD": ("$", ""), "USD m": ("$", "m"), "USD bn": ("$", "bn"), "USD tn": ("$", "tn"),
    "USD 100m": ("$", "bn"), "EUR bn": ("€", "bn"), "RMB": ("RMB", ""), "RMB m": ("RMB", "m"),
    "RMB bn": ("RMB", "bn"), "RMB 100m": ("RMB", "bn"), "HKD": ("HK$", ""),
    "HKD bn": ("HK$", "bn"),
    "count": ("", ""), "k": ("", "k"), "m": ("", "m"), "bn": ("", "bn"),
    "10k": ("", "m"), "100m": ("", "bn"), "rank": ("No. ", ""), "year": ("", ""),
}
# Units shown in a different scale: value multiplied by the factor.
RESCALE = {"RMB 100m": Decimal("0.1"), "USD 100m": Decimal("0.1"), "10k": Decimal("0.01"),
           "100m": Decimal("0.1")}
_AXIS = {"count": "", "rank": "rank", "year": "year", "10k": "m", "100m": "bn",
         "RMB 100m": "RMB bn", "USD 100m": "USD bn"}


def unit_label(unit: str) -> str:
    """An axis label for a unit: 'USD bn'."""
    return _AXIS.get(unit, unit)


LANGUAGE = Language("en", locale="en", html_lang="en", strings=STRINGS, units=UNITS,
                    unit_label=unit_label, date_pattern="d MMM y",  # 5 Feb 2025
                    rixml_code="eng", rescale=RESCALE)
