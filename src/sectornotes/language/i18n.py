"""Every word the tool itself prints into a note, page or email: one table per language.

Ratings' labels come from house.yaml; `rating_label` is the one lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..inputs.schema import House, Rating

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
    "tier_house": "本机构模型（估计）", "page_place": "第 {n} 页",
    "email_rating": "评级：{rating}", "email_previous": "（上次评级：{previous}）",
    "email_key_points": "投资要点：",
    "email_personal": "附件 PDF 为贵机构专属副本，请勿转发。",
    "email_stamp": "Prepared for {client} · {date} · ref {ref}",
    "stamp_first_dissemination": " · first disseminated {at}",
    "email_disclosures": "重要声明、分析师声明及投资评级说明见附件 PDF 末尾。",
    "qualifier_over": "超过 ", "qualifier_under": "低于 ", "qualifier_nearly": "近 ",
    "qualifier_about": "约 ", "qualifier_up-to": "最高 ", "qualifier_at-least": "至少 ",
    "certification_regac": "分析师声明",
    "research_report": "证券研究报告",
    "footer_disclosures": "请务必阅读正文之后的信息披露和免责声明。",
    "completed": "完成时间", "released": "发布时间", "first_dissemination":
        "首次发布时间：见分发标记",
    "regimes": "适用监管规则", "disclosures": "信息披露",
    "subjects": "本报告覆盖", "target": "目标价",
    "conflicts": "利益冲突",
    "history": "过去 12 个月的投资评级", "history_none": "过去 12 个月内无此前评级。",
    "this_note": "本报告", "note_title": "报告",
    "distribution": "截至{date}的评级分布",
    "distribution_none": "截至{date}尚未发布任何评级。",
    "distribution_count": "数量", "distribution_share": "占比",
    "distribution_banking": "投行客户", "distribution_banking_share": "投行客户占比",
    "category": "FINRA 类别",
    "category_buy": "买入", "category_hold": "持有", "category_sell": "卖出",
    "valuation": "估值方法", "sensitivity": "关键假设敏感性",
    "update_frequency": "更新频率", "competent_authority": "监管机构",
    "licence": "业务资格", "recipients": "接收人",
    "chart_title": "{name}：价格与评级历史",
    "chart_caption": "{names}，以起始日为 100。标记为评级或目标价变动。数据来源：{provider}，截至{as_of}。",
    "chart_illustrative": "示例数据，并非市场价格。",
    "list_separator": "、",
    "kind_fact": "事实", "kind_estimate": "估计", "kind_forecast": "预测", "kind_opinion": "观点",
    "kind_data": "数据", "rebased_axis": "以起始日为 100",
    "coverage_columns": "代码|评级|目标价|股价|上涨空间|{p1} 每股收益|{p2} 每股收益|{p1} 市盈率|{p2} 市盈率",
    "definition_above": "预计未来 {months} 个月内相对{benchmark}的回报高于 {low}。",
    "definition_between": "预计未来 {months} 个月内相对{benchmark}的回报介于 {low} 与 {high} 之间。",
    "definition_below": "预计未来 {months} 个月内相对{benchmark}的回报低于 {high}。",
    "the_benchmark": "基准指数",
    "disclose_banking_past_12_months_yes": "{firm}在过去 12 个月内从{name}获得投资银行业务报酬。",
    "disclose_banking_past_12_months_no": "{firm}在过去 12 个月内未从{name}获得投资银行业务报酬。",
    "disclose_banking_next_3_months_yes": "{firm}预计在未来 3 个月内从{name}获得或寻求投资银行业务报酬。",
    "disclose_banking_next_3_months_no": "{firm}预计在未来 3 个月内不会从{name}获得或寻求投资银行业务报酬。",
    "disclose_holdings_1pct_yes": "{firm}持有{name}某类股权证券 1% 或以上。",
    "disclose_holdings_1pct_no": "{firm}未持有{name}任何类别股权证券 1% 或以上。",
    "disclose_market_making_yes": "{firm}为{name}的证券做市。",
    "disclose_market_making_no": "{firm}未为{name}的证券做市。",
    "disclose_analyst_holdings_yes": "{analysts}或其家属持有{name}的证券。",
    "disclose_analyst_holdings_no": "本报告署名分析师及其家属均未持有{name}的证券。",
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


def rating_definition(house: House, scale: str, rating: Rating, language: str) -> str:
    """A rating's definition: as written in house.yaml, else from its bounds, the one
    horizon and the scale's benchmark (so the table cannot contradict the scale)."""
    if rating.definition is not None:
        return str(getattr(rating.definition, language))
    named = getattr(house.ratings.benchmark, scale, None) if house.ratings.benchmark else None
    benchmark = getattr(named, language) if named else text(language, "the_benchmark")

    def percent(value: float) -> str:
        return f"{value:+g}%".replace("-", "−")

    low, high = rating.min_relative_return, rating.max_relative_return
    form = ("between" if low is not None and high is not None
            else "above" if low is not None else "below")
    return text(language, f"definition_{form}", months=house.ratings.horizon_months,
                benchmark=benchmark, low=percent(low) if low is not None else "",
                high=percent(high) if high is not None else "")
