"""Every word the tool itself prints into a note, page or email: one table per language.

Ratings' labels come from house.yaml; `rating_label` is the one lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema import House, Rating

LANGUAGES = ("en", "zh")

EN = {
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
    "colon": ": ", "tier_company": "Company (primary)", "tier_broker-research": "Broker research",
    "tier_news-digest": "News digest (secondary)", "tier_data-vendor": "Data vendor",
    # client email
    "email_rating": "Rating: {rating}", "email_previous": " (previous: {previous})",
    "email_key_points": "Key points:",
    "email_personal": "The attached PDF is prepared for you alone; please do not forward it.",
    "email_stamp": "Prepared for {client} · {date} · ref {ref}",
    "email_disclosures": "Important disclosures, the analyst certification and the rating "
                         "definitions are at the end of the attached PDF.",
    # qualifiers written at a number in the source, shown before it
    "qualifier_over": "over ", "qualifier_under": "under ", "qualifier_nearly": "nearly ",
    "qualifier_about": "about ", "qualifier_up-to": "up to ", "qualifier_at-least": "at least ",
}

ZH = {
    "key_points": "投资要点", "rating": "行业评级", "company_rating": "评级",
    "previous": "上次评级", "maintained": "维持", "upgraded": "上调", "downgraded": "下调",
    "analysts": "分析师", "registration": "执业证书编号", "date": "日期",
    "risks": "风险提示", "certification": "分析师声明", "disclaimer": "免责声明",
    "ratings": "投资评级说明", "company_scale": "公司评级", "sector_scale": "行业评级",
    "endnotes": "引用来源与原文", "figure": "图", "related": "相关报告", "page": "第",
    "of": "页，共", "sample": "示例", "regulatory": "监管声明", "quote_at": "位置",
    "claim": "观点", "horizon": "评级基准与期限", "source_claims": "摘自本文的观点",
    "back": "返回", "same_passage": "原文同注", "data": "数据（CSV）", "paragraph": "第 {n} 段",
    "later_note": "（后续报告）",
    "colon": "：", "tier_company": "公司（一手）", "tier_broker-research": "券商研究",
    "tier_news-digest": "新闻摘要（二手）", "tier_data-vendor": "数据供应商",
    "email_rating": "评级：{rating}", "email_previous": "（上次评级：{previous}）",
    "email_key_points": "投资要点：",
    "email_personal": "附件 PDF 为贵机构专属副本，请勿转发。",
    "email_stamp": "Prepared for {client} · {date} · ref {ref}",
    "email_disclosures": "重要声明、分析师声明及投资评级说明见附件 PDF 末尾。",
    "qualifier_over": "超过 ", "qualifier_under": "低于 ", "qualifier_nearly": "近 ",
    "qualifier_about": "约 ", "qualifier_up-to": "最高 ", "qualifier_at-least": "至少 ",
}

STRINGS: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}


def strings(language: str) -> dict[str, str]:
    """The UI strings of a language (English for an unknown one)."""
    return STRINGS.get(language, EN)


def text(language: str, key: str, **values: object) -> str:
    """One UI string, with `{name}` fields filled in."""
    return strings(language)[key].format(**values)


def rating_scale(house: House, scale: str) -> list[Rating]:
    """The ratings of a scale ('company' or 'sector'), best first."""
    return list(getattr(house.ratings, scale))


def find_rating(house: House, scale: str, rating_id: str) -> Rating | None:
    """A rating of a scale by id, or None."""
    return next((r for r in rating_scale(house, scale) if r.id == rating_id), None)


def rating_label(house: House, scale: str, rating_id: str | None, language: str) -> str | None:
    """The label a reader sees for a rating id ('outperform' → 'Outperform' / '增持')."""
    if rating_id is None:
        return None
    rating = find_rating(house, scale, rating_id)
    return getattr(rating.label, language) if rating is not None else rating_id
