"""seeds/<id>.yaml beside seeds/<id>.csv: what a price or index series is."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .common import Strict, Text


class SeriesMeta(Strict):
    """seeds/<id>.yaml beside seeds/<id>.csv: what a price or index series is."""

    instrument: Text = Field(description="What is priced, e.g. 'CSI 300 Index'.")
    instrument_zh: str | None = Field(None, description="Its name in Chinese.")
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$", description="ISO currency, if a "
                                 "price (an index has none).")
    provider: Text = Field(description="Who supplied the data.")
    as_of: dt.date = Field(strict=False, description="Date of the last value.")
    illustrative: bool = Field(False, description="The data are invented for a sample.")


class SeriesFile(Strict):
    """seeds/<id>.yaml of a series: its metadata."""

    series: SeriesMeta = Field(description="Metadata of the series in seeds/<id>.csv.")
