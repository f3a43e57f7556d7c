"""Distribution: send notes to entitled clients, exactly one watermarked copy per address.

`plan` decides who may receive what, `compose` writes the email, `transport`
speaks SMTP, `records` keeps every delivery outside build/, `deliver`
orchestrates a run, and `verify` traces a PDF back to its build and client.
Stamping a copy lives beside the PDF code (`sectornotes.distribute.stamp`).
"""

from __future__ import annotations

from .compose import Letter, build_message, compose_letter
from .deliver import DistributionResult, distribute
from .plan import DistributionRefused, NotePlan, Recipient, plan_note
from .records import Delivery, Records, deliveries_csv, deliveries_table, read_records
from .transport import SmtpSettings, SmtpUnavailable
from .verify import Verification, verify_pdf

__all__ = [
    "Delivery", "DistributionRefused", "DistributionResult", "Letter", "NotePlan", "Recipient",
    "Records", "SmtpSettings", "SmtpUnavailable", "Verification", "build_message",
    "compose_letter", "deliveries_csv", "deliveries_table", "distribute", "plan_note",
    "read_records", "verify_pdf",
]
