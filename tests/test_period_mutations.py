"""Periods, attacked through `check`: real claims on real outside sentences (each source's
url is the page the sentence was read on), each made wrong in exactly one way — fiscal ↔
calendar, prior year ↔ current, nine months ↔ quarter, half ↔ quarter, a wrong year, a
trailing twelve months ↔ its last quarter, the prior quarter ↔ the year-ago one — must
fail at the claim's period naming the claim. The unchanged project passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sectornotes.inputs.project import Project
from sectornotes.loaded.project import load_project

from .conftest import edit_file, replaced

ENTITIES = """\
entities:
  Analog Devices: {fiscal_year_end: Saturday nearest October 31}
  Deere: {fiscal_year_end: last Sunday of October, fiscal_only: true}
  Deere Production & Precision Ag: {parent: Deere}
  Walmart: {fiscal_year_end: "01-31", fiscal_only: true}
  Micron: {fiscal_year_end: Thursday nearest August 31, aliases: [Micron Technology]}
"""
METRICS = "metrics:\n  free-cash-flow: {description: Free cash flow, money: true}\n"


def _source(source_id: str, url: str, date: str, language: str, claims: str) -> str:
    return (f"source:\n  title: {source_id}\n  publisher: Outside\n  date: {date}\n"
            f"  language: {language}\n  kind: news-digest\n  url: {url}\nclaims:\n{claims}")


def _claim(claim_id: str, kind: str, metric: str, entity: str, period: str, value: str,
           unit: str, quote: str, context: str | None = None) -> str:
    return (f"  - id: {claim_id}\n    text: {claim_id} is {value} {unit}.\n    kind: {kind}\n"
            f"    data:\n      - metric: {metric}\n        entity: {entity}\n"
            f"        period: \"{period}\"\n        value: {value}\n        unit: \"{unit}\"\n"
            f"    source:\n      quote: \"{quote}\"\n"
            + (f"      context: \"{context}\"\n" if context else ""))


ADI = ("Analog Devices, Inc. (ADI) has reported its fiscal third quarter 2025 financial results, "
       "highlighting a revenue of $2.88 billion, representing a 25% year-over-year growth. The "
       "company's operating cash flow reached $4.2 billion and free cash flow stood at $3.7 "
       "billion on a trailing twelve-month basis, accounting for 40% and 35% of revenue, "
       "respectively.\n")
DEERE = ("Deere & Company (NYSE: DE) reported net income of $1.289 billion for the third quarter "
         "ended July 27, 2025, or $4.75 per share, compared with net income of $1.734 billion, "
         "or $6.29 per share, for the quarter ended July 28, 2024. For the first nine months of "
         "the year, net income attributable to Deere & Company was $3.962 billion, or $14.57 per "
         "share, compared with $5.855 billion, or $21.04 per share, for the same period last "
         "year.\nNet income attributable to Deere & Company for fiscal 2025 is forecasted to be "
         "in a range of $4.75 billion to $5.25 billion.\n")
WALMART = ("Consolidated net income for the six months ended July 31, 2025, was $11,790 million, "
           "an increase from $10,018 million in 2024, representing a growth of 17.7%\n")
MICRON = ("Fiscal Q4 2025 highlights\nRevenue of $11.32 billion versus $9.30 billion for the "
          "prior quarter and $7.75 billion for the same period last year\n")
MINGYANG = ("2025年前三季度实现营业收入52.00亿元,同比增长27.14%;归母净利润4.68亿元,同比增长7.31%\n"
            "预计2025-2027年营业收入分别为83.2亿元、102.2亿元、118.2亿元,对应增速分别为29%、23%、16%\n")
ALIBABA = ("截至 2025 年 9 月 30 日止季度\n非公认会计准则净利润为人民币 103.52 亿元(14.54 亿美元),相较 "
           "2024 年同期的人民币 365.18 亿元下降 72%。\n")

FILES = {
    "seeds/adi.txt": ADI,
    "seeds/adi.yaml": _source(
        "adi", "https://marketinference.com/analysis/r/2025/08/20/ADI", "2025-08-20", "en",
        _claim("adi-revenue-fy2025-q3", "fact", "revenue", "Analog Devices", "FY2025-Q3",
               "2.88", "USD bn", "has reported its fiscal third quarter 2025 financial results, "
               "highlighting a revenue of $2.88 billion")
        + _claim("adi-fcf-ttm", "fact", "free-cash-flow", "Analog Devices",
                 "FY2024-Q4/FY2025-Q3", "3.7", "USD bn", "free cash flow stood at $3.7 billion "
                 "on a trailing twelve-month basis", "has reported its fiscal third quarter "
                 "2025 financial results")),
    "seeds/deere.txt": DEERE,
    "seeds/deere.yaml": _source(
        "deere", "https://www.newswire.ca/news-releases/deere-reports-third-quarter-net-income-"
        "of-1-289-billion-840381647.html", "2025-08-14", "en",
        _claim("deere-net-income-fy2025-q3", "fact", "net-income", "Deere", "FY2025-Q3", "1.289",
               "USD bn", "reported net income of $1.289 billion for the third quarter ended "
               "July 27, 2025")
        + _claim("deere-net-income-fy2024-q3", "fact", "net-income", "Deere", "FY2024-Q3",
                 "1.734", "USD bn", "reported net income of $1.289 billion for the third "
                 "quarter ended July 27, 2025, or $4.75 per share, compared with net income of "
                 "$1.734 billion, or $6.29 per share, for the quarter ended July 28, 2024")
        + _claim("deere-net-income-9m-fy2025", "fact", "net-income",
                 "Deere Production & Precision Ag", "FY2025-Q1/FY2025-Q3", "3.962", "USD bn",
                 "For the first nine months of the year, net income attributable to Deere & "
                 "Company was $3.962 billion", "Net income attributable to Deere & Company for "
                 "fiscal 2025 is forecasted")),
    "seeds/walmart.txt": WALMART,
    "seeds/walmart.yaml": _source(
        "walmart", "https://reportify.ai/financials/1155986889266827264", "2025-08-21", "en",
        _claim("walmart-net-income-h1-fy2026", "fact", "net-income", "Walmart", "FY2026-H1",
               "11790", "USD m", "Consolidated net income for the six months ended July 31, "
               "2025, was $11,790 million")),
    "seeds/micron.txt": MICRON,
    "seeds/micron.yaml": _source(
        "micron", "https://sobaoo.com/micron-technology-inc-reports-results-for-the-fourth-"
        "quarter-and-full-year-of-fiscal-2025-175507.html", "2025-09-23", "en",
        _claim("micron-revenue-prior-quarter", "fact", "revenue", "Micron Technology",
               "FY2025-Q3", "9.30", "USD bn", "Revenue of $11.32 billion versus $9.30 billion "
               "for the prior quarter and $7.75 billion for the same period last year",
               "Fiscal Q4 2025 highlights")),
    "seeds/mingyang.txt": MINGYANG,
    "seeds/mingyang.yaml": _source(
        "mingyang", "https://reportify.cn/channels/Z0000010000000082/documents?page=13",
        "2025-10-31", "zh",
        _claim("mingyang-revenue-9m-2025", "fact", "revenue", "Mingyang Electric",
               "2025-Q1/2025-Q3", "52.00", "RMB 100m", "2025年前三季度实现营业收入52.00亿元")
        + _claim("mingyang-revenue-2026e", "forecast", "revenue", "Mingyang Electric", "2026",
                 "102.2", "RMB 100m", "预计2025-2027年营业收入分别为83.2亿元、102.2亿元、118.2亿元")),
    "seeds/alibaba.txt": ALIBABA,
    "seeds/alibaba.yaml": _source(
        "alibaba", "http://xiaofei.caiding5.cn/guancha/22343.html", "2025-11-25", "zh",
        _claim("alibaba-non-gaap-net-income-prior-year", "fact", "net-income", "Alibaba",
               "2024-Q3", "365.18", "RMB 100m", "相较 2024 年同期的人民币 365.18 亿元下降 72%",
               "截至 2025 年 9 月 30 日止季度")),
}


@pytest.fixture
def project(make_project) -> Path:
    root = make_project(FILES)
    edit_file(root / "house.yaml", "entities:\n", ENTITIES)
    edit_file(root / "house.yaml", "metrics:\n", METRICS)
    return root


def errors(root: Path) -> list[str]:
    return [f.format() for f in load_project(Project(root), cache=False).errors]


def test_the_real_claims_pass(project):
    assert errors(project) == []


@pytest.mark.parametrize(("seed", "claim_id", "old", "new", "why"), [
    ("adi", "adi-revenue-fy2025-q3", 'period: "FY2025-Q3"', 'period: "2025-Q3"',
     "2025-Q3 is not stated"),  # fiscal → calendar
    ("deere", "deere-net-income-fy2024-q3", 'period: "FY2024-Q3"', 'period: "FY2025-Q3"',
     "the quote gives 1.734 for 'quarter ended July 28, 2024'"),  # prior year → current
    ("deere", "deere-net-income-fy2025-q3", 'period: "FY2025-Q3"', 'period: "FY2024-Q3"',
     "FY2024-Q3 is not stated"),  # current → prior year
    ("deere", "deere-net-income-9m-fy2025", 'period: "FY2025-Q1/FY2025-Q3"',
     'period: "FY2025-Q3"', "FY2025-Q3 is not stated"),  # nine months → quarter
    ("walmart", "walmart-net-income-h1-fy2026", 'period: "FY2026-H1"', 'period: "FY2026-Q2"',
     "FY2026-Q2 is not stated"),  # half → quarter
    ("mingyang", "mingyang-revenue-2026e", 'period: "2026"', 'period: "2027"',
     "so 102.2 is 2026's, not 2027"),  # wrong year of a 分别 list
    ("mingyang", "mingyang-revenue-9m-2025", 'period: "2025-Q1/2025-Q3"', 'period: "2025-Q3"',
     "2025-Q3 is not stated"),  # 前三季度 → 三季度
    ("adi", "adi-fcf-ttm", 'period: "FY2024-Q4/FY2025-Q3"', 'period: "FY2025-Q3"',
     "the quote gives 3.7 for 'trailing twelve-month'"),  # TTM → its last quarter
    ("micron", "micron-revenue-prior-quarter", 'period: "FY2025-Q3"', 'period: "FY2024-Q4"',
     "the quote gives 9.30 for 'the prior quarter' (FY2025-Q3)"),  # prior quarter → year ago
    ("alibaba", "alibaba-non-gaap-net-income-prior-year", 'period: "2024-Q3"',
     'period: "2025-Q3"', "the quote gives 365.18 for '2024 年同期'"),  # 同期 → current
])
def test_a_claim_with_the_wrong_period_fails_naming_it(project, seed, claim_id, old, new, why):
    path = project / "seeds" / f"{seed}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {claim_id}\n")
    end = text.find("  - id: ", start + 1)
    end = len(text) if end < 0 else end
    path.write_text(text[:start] + replaced(text[start:end], old, new) + text[end:],
                    encoding="utf-8")
    found = errors(project)
    assert any(f"claim '{claim_id}' data[0].period: " in line and why in line
               for line in found), found


def test_a_segment_without_a_calendar_of_its_own_uses_its_parents(project):
    # Without `parent:` the segment has no fiscal year end, so FY periods cannot be placed.
    edit_file(project / "house.yaml", "  Deere Production & Precision Ag: {parent: Deere}\n", "")
    found = "\n".join(errors(project))
    assert ("claim 'deere-net-income-9m-fy2025' data[0].period: FY2025-Q1/FY2025-Q3 is a "
            "fiscal period, but when does Deere Production & Precision Ag's fiscal year end?"
            ) in found


def test_an_unknown_parent_is_an_error_at_its_place(project):
    edit_file(project / "house.yaml", "{parent: Deere}", "{parent: John Deere}")
    found = errors(project)
    assert any(line.startswith("house.yaml:") and "entities.Deere Production & Precision Ag"
               not in line and "unknown parent entity 'John Deere'; declare it under entities"
               in line for line in found), found


def test_a_fiscal_year_end_that_is_no_rule_says_what_is_expected(project):
    edit_file(project / "house.yaml", "Thursday nearest August 31", "Thursday near August 31")
    found = "\n".join(errors(project))
    assert ("entities.Micron.fiscal_year_end: 'Thursday near August 31' is not a fiscal year "
            "end: MM-DD ('06-30') or a 52/53-week rule") in found, found
