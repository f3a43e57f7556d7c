"""Simplified Chinese: the UI strings, units and typographic rules of notes in Chinese."""

from __future__ import annotations

from decimal import Decimal

from ..proof.units import UNITS as UNIT_DEFINITIONS
from .languages import Language

STRINGS = {
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
    "colon": "：", "parenthesized": "（{}）", "page_footer": "第 {page} 页，共 {pages} 页",
    "mixed_note": "（混合：{reason}。）", "tier_company": "公司（一手）", "tier_broker-research": "券商研究",
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

# (prefix, suffix) per unit; 万 and 亿 rescale (RESCALE).
UNITS = {
    "%": ("", "%"), "pp": ("", " 个百分点"), "x": ("", " 倍"),
    "USD": ("", " 美元"), "USD m": ("", " 万美元"), "USD bn": ("", " 亿美元"),
    "USD tn": ("", " 万亿美元"), "USD 100m": ("", " 亿美元"), "EUR bn": ("", " 亿欧元"), "RMB": ("", " 元"),
    "RMB m": ("", " 万元"), "RMB bn": ("", " 亿元"), "RMB 100m": ("", " 亿元"),
    "HKD": ("", " 港元"), "HKD bn": ("", " 亿港元"),
    "count": ("", ""), "k": ("", " 千"), "m": ("", " 万"), "bn": ("", " 亿"),
    "10k": ("", " 万"), "100m": ("", " 亿"), "rank": ("第 ", " 名"), "year": ("", " 年"),
}
RESCALE = {"USD bn": Decimal(10), "EUR bn": Decimal(10), "RMB bn": Decimal(10),
           "bn": Decimal(10), "m": Decimal(100), "USD m": Decimal(100),
           "RMB m": Decimal(100), "HKD bn": Decimal(10)}


def unit_label(unit: str) -> str:
    """An axis label for a unit: '亿美元'."""
    return UNITS[unit][1].strip() or UNIT_DEFINITIONS[unit].description


# The house spaces the parts of a date (CLDR's long form is 2025年2月5日).
LANGUAGE = Language("zh", locale="zh_Hans", html_lang="zh-Hans", strings=STRINGS, units=UNITS,
                    unit_label=unit_label, date_pattern="y 年 M 月 d 日", rixml_code="zho",
                    rescale=RESCALE, comma="，", semicolon="；", source_prefix="资料来源：",
                    citing="{name}，援引{digest_of}", texts="zh", script=r"[\u4e00-\u9fff]",
                    joins_lines=True)
