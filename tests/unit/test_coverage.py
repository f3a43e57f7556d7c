"""coverage.py: history windows, quarter ends, FINRA categories and the distribution."""

from __future__ import annotations

import datetime as dt

from sectornotes.compliance.coverage import (
    effective_disclosure,
    finra_category,
    history,
    last_quarter_end,
    months_before,
    rating_distribution,
)
from sectornotes.inputs.project import Project
from sectornotes.inputs.schema import Compliance, Note
from sectornotes.loaded.project import load_house

from ..conftest import REPO_ROOT

HOUSE = load_house(Project(REPO_ROOT))[0]


def note(day: str, rating: str = "outperform", sector: str = "tech",
         status: str = "approved") -> Note:
    return Note.model_validate({
        "title": f"Note of {day}", "sector": sector, "language": "en", "date": day,
        "status": status, "approved_by": "lin-mei", "approved_at": f"{day}T09:00:00",
        "rating": rating, "analysts": ["lin-mei"],
        "sections": [{"heading": "H", "body": "B"}]})


def test_months_before_keeps_the_day_or_the_last_day_of_a_short_month():
    assert months_before(dt.date(2025, 6, 5), 12) == dt.date(2024, 6, 5)
    assert months_before(dt.date(2025, 3, 31), 1) == dt.date(2025, 2, 28)
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2025, 1, 15), 36) == dt.date(2022, 1, 15)


def test_the_last_quarter_end_is_strictly_before_the_day():
    assert last_quarter_end(dt.date(2025, 6, 5)) == dt.date(2025, 3, 31)
    assert last_quarter_end(dt.date(2025, 4, 1)) == dt.date(2025, 3, 31)
    assert last_quarter_end(dt.date(2025, 1, 1)) == dt.date(2024, 12, 31)


def test_history_is_the_past_twelve_months_without_drafts_or_later_notes():
    notes = {"old": note("2024-06-04", "market-perform"), "in": note("2024-06-05"),
             "draft": note("2025-01-01", status="draft"), "now": note("2025-06-05"),
             "later": note("2025-07-01"), "other": note("2025-01-01", sector="media")}
    assert [r.note_id for r in history(notes, "now", "tech")] == ["in", "now"]


def test_finra_categories_follow_the_band_not_the_label():
    assert finra_category(HOUSE, "company", "buy") == "buy"
    assert finra_category(HOUSE, "company", "accumulate") == "buy"
    assert finra_category(HOUSE, "company", "hold") == "hold"
    assert finra_category(HOUSE, "company", "reduce") == "sell"
    assert finra_category(HOUSE, "sector", "market-perform") == "hold"


def test_distribution_counts_latest_ratings_and_their_banking_clients():
    notes = {"a": note("2025-01-10", "underperform"), "b": note("2025-02-10", "outperform"),
             "c": note("2025-02-11", "outperform", sector="media"),
             "d": note("2025-03-10", "market-perform", sector="autos"),
             "after": note("2025-04-02", "underperform", sector="media")}
    compliance = Compliance.model_validate({"subjects": {"media": {"disclosures": [
        {"effective": "2025-01-01", "banking_past_12_months": True,
         "banking_next_3_months": False, "holdings_1pct": False, "market_making": False}]}}})
    rows = {r.rating_id: r for r in rating_distribution(notes, HOUSE, compliance,
                                                        dt.date(2025, 3, 31)) if r.scale == "sector"}
    assert (rows["outperform"].count, rows["outperform"].banking) == (2, 1)
    assert round(rows["outperform"].share) == 67 and rows["outperform"].banking_share == 50
    assert (rows["market-perform"].count, rows["underperform"].count) == (1, 0)


def test_the_disclosure_in_force_is_the_latest_effective_on_or_before_the_day():
    compliance = Compliance.model_validate({"subjects": {"x": {"disclosures": [
        {"effective": day, "banking_past_12_months": banking, "banking_next_3_months": False,
         "holdings_1pct": False, "market_making": False}
        for day, banking in (("2025-01-01", False), ("2025-03-01", True))]}}})
    assert effective_disclosure(compliance, "x", dt.date(2024, 12, 31)) is None
    first = effective_disclosure(compliance, "x", dt.date(2025, 2, 28))
    assert first is not None and not first.banking_past_12_months
    later = effective_disclosure(compliance, "x", dt.date(2025, 3, 1))
    assert later is not None and later.banking_past_12_months
