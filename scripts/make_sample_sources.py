"""Write the sample project's invented sources: a PDF digest, a saved web page, a coverage
model workbook and price series. Everything here is ILLUSTRATIVE, made for the fictional
Lanternfield Research; run it from the repository root to regenerate the files:

    .venv/bin/python scripts/make_sample_sources.py
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import sys
import zipfile
from pathlib import Path

SEEDS = Path("seeds")

DIGEST_BODY = """
<h1>Lanternfield weekly sources digest</h1>
<p class="sub">Week to 30 May 2025 · Illustrative sample for a fictional research house</p>
<div class="cols">
<p>This digest summarises what other firms published this week; it states no view of
Lanternfield Research. CITIC Securities wrote that as of May 27, 2025 the Hang Seng
Technology Index had risen 15% this year, while the Nasdaq index had fallen 3%, and that
Chinese technology assets keep a comparative valuation advantage.</p>
<p>China Merchants Securities argued that cheaper models enlarge rather than shrink the
market for computing, describing a cycle of efficiency gains, lower costs, wider adoption and
surging demand. Internationalisation of the domestic semiconductor supply chain remains, in
their words, a long-term undertaking constrained by access to advanced processes.</p>
<p>Both brokers listed intensifying competition among model developers as the first risk to
their views on the sector.</p>
</div>
<p style="break-before: page">Page two lists the week's sources: CITIC Securities, 2025 H2
technology outlook (5 June 2025 edition excerpted 30 May); China Merchants Securities, AI
terminal and AIDC report.</p>
"""

WEB_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>AI capex tracker: platforms keep spending (illustrative)</title></head>
<body>
<nav><a href="/">Lanternfield Research</a> | <a href="/notes">Notes</a> |
<a href="/login">Client login</a> | Subscribe now and save 50% on your first year</nav>
<main><article>
<h1>AI capex tracker: platforms keep spending</h1>
<p class="byline">Lanternfield Research desk blog · 29 May 2025 · illustrative sample page</p>
<p>First-quarter results confirmed that China's internet platforms are still raising
investment in computing. Tencent's capital expenditure in the first quarter of 2025 was
27.48 billion yuan, up 91% year on year, according to the company's results.</p>
<p>The tracker will be updated after each quarterly reporting season.</p>
</article></main>
<footer>© 2025 Lanternfield Research (fictional). Cookie settings. Terms of use.</footer>
</body></html>
"""

COMPANIES = [  # name, ticker, series id, last price (HKD), target, EPS 2024A/2025E, growth
    ("Tencent", "0700.HK", "tencent-price-illustrative", 505.0, 580, 23.40, 26.10, 0.126),
    ("Alibaba", "9988.HK", "alibaba-price-illustrative", 121.4, 150, 8.60, 9.80, 0.143),
    ("Baidu", "9888.HK", "baidu-price-illustrative", 86.2, 105, 9.90, 10.50, 0.076),
]
INDEXES = [("hsi-illustrative", "Hang Seng Index (illustrative data)", "恒生指数（示例数据）",
            23300.0, 17)]
# Index series drawn from a level with a drift (the sector notes' charts and benchmarks).
DRIFTING_INDEXES = [
    ("csi300-illustrative", "CSI 300 Index (illustrative data)", "沪深 300 指数（示例数据）",
     3900.0, 0.00005, 0.011, 7),
    ("china-tech-index-illustrative", "China technology sector index (illustrative data)",
     "中国科技行业指数（示例数据）", 1000.0, 0.0003, 0.018, 11),
    ("china-media-index-illustrative", "China media sector index (illustrative data)",
     "中国传媒行业指数（示例数据）", 1000.0, 0.0002, 0.02, 13),
]
START, END = dt.date(2022, 6, 1), dt.date(2025, 6, 6)


def pdf(body: str) -> bytes:
    import weasyprint

    style = ("@page { size: A4; margin: 20mm } body { font: 10pt 'DejaVu Sans' } "
             ".cols { columns: 2; column-gap: 8mm; hyphens: auto; text-align: justify } "
             "h1 { font-size: 16pt } .sub { color: #666 }")
    return weasyprint.HTML(string=f"<html lang='en'><style>{style}</style><body>{body}</body>"
                           "</html>").write_pdf()


def model() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    eps = book.active
    eps.title = "EPS"
    eps.append(["Company (EPS, HKD)", "Ticker", "2024A", "2025E", "2026E", "Growth 2026E"])
    for row, (name, ticker, _, _, _, actual, estimate, growth) in enumerate(COMPANIES, start=2):
        eps.append([name, ticker, actual, estimate, f"=D{row}*(1+F{row})", growth])
        for column in "CDE":
            eps[f"{column}{row}"].number_format = "0.00"
        eps[f"F{row}"].number_format = "0.0%"
    targets = book.create_sheet("Targets")
    targets.append(["Company", "Ticker", "Rating", "Target price (HKD)", "Method"])
    for name, ticker, _, _, target, _, _, _ in COMPANIES:
        targets.append([name, ticker, "Buy", target, "P/E on 2026E EPS"])
    note = book.create_sheet("About")
    note.append(["Illustrative model of the fictional Lanternfield Research: invented "
                 "estimates, not forecasts of any real firm."])
    fixed = dt.datetime(2025, 5, 30, 8, 0, 0)  # reproducible bytes
    book.properties.created = book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    # Store the values a spreadsheet program saves with each formula (openpyxl stores none).
    cached = {f"E{row}": round(estimate * (1 + growth), 2)
              for row, (*_, estimate, growth) in enumerate(COMPANIES, start=2)}
    return _with_cached(buffer.getvalue(), "xl/worksheets/sheet1.xml", cached)


def _with_cached(xlsx: bytes, member: str, values: dict[str, float]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                text = data.decode("utf-8")
                for reference, value in values.items():
                    text, count = re.subn(rf'(<c r="{reference}"[^>]*>)(<f>[^<]*</f>)(<v>[^<]*</v>)?',
                                          rf"\g<1>\g<2><v>{value}</v>", text)
                    assert count == 1, reference
                data = text.encode("utf-8")
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-05-30T08:00:00Z",
                              data)
            item.date_time = (2025, 5, 30, 0, 0, 0)  # reproducible bytes
            target.writestr(item, data)
    return out.getvalue()


def walk(seed: int, last: float, volatility: float) -> list[tuple[dt.date, float]]:
    """A seeded random walk over business days, scaled so that it ends at `last`."""
    rng = random.Random(seed)
    day, level, points = START, 100.0, []
    while day <= END:
        if day.weekday() < 5:
            points.append((day, level))
            level *= 1 + rng.gauss(0.0002, volatility)
        day += dt.timedelta(days=1)
    scale = last / points[-1][1]
    return [(d, v * scale) for d, v in points]


def drift_walk(start: float, drift: float, volatility: float,
               seed: int) -> list[tuple[dt.date, float]]:
    """A seeded random walk over business days from a starting level."""
    rng = random.Random(seed)
    day, level, points = START, start, []
    while day <= END:
        if day.weekday() < 5:
            points.append((day, round(level, 2)))
            level *= 1 + rng.gauss(drift, volatility)
        day += dt.timedelta(days=1)
    return points


def write_series(series_id: str, name: str, name_zh: str, currency: str | None,
                 points: list[tuple[dt.date, float]]) -> None:
    rows = "\n".join(f"{d.isoformat()},{v:.2f}" for d, v in points)
    (SEEDS / f"{series_id}.csv").write_text(f"date,value\n{rows}\n", encoding="utf-8")
    currency_line = f"  currency: {currency}\n" if currency else ""
    (SEEDS / f"{series_id}.yaml").write_text(
        "# An INVENTED series for the fictional sample house: a seeded random walk, not\n"
        "# market data (scripts/make_sample_sources.py).\n"
        f"series:\n  instrument: {name}\n  instrument_zh: {name_zh}\n{currency_line}"
        f"  provider: Lanternfield Research sample data\n  as_of: {points[-1][0]}\n"
        "  illustrative: true\n", encoding="utf-8")


def main() -> None:
    if not SEEDS.is_dir():
        sys.exit("run from the repository root (seeds/ not found)")
    (SEEDS / "lanternfield-weekly-digest.pdf").write_bytes(pdf(DIGEST_BODY))
    (SEEDS / "lanternfield-capex-tracker.html").write_text(WEB_PAGE, encoding="utf-8")
    (SEEDS / "lanternfield-coverage-model.xlsx").write_bytes(model())
    for index, (name, ticker, series_id, last, *_rest) in enumerate(COMPANIES):
        write_series(series_id, f"{name} ({ticker}) share price (illustrative data)",
                     f"{name} 股价（示例数据）", "HKD", walk(31 + index, last, 0.022))
    for series_id, name, name_zh, last, seed in INDEXES:
        write_series(series_id, name, name_zh, None, walk(seed, last, 0.012))
    for series_id, name, name_zh, start, drift, volatility, seed in DRIFTING_INDEXES:
        write_series(series_id, name, name_zh, None, drift_walk(start, drift, volatility, seed))


if __name__ == "__main__":
    main()
