"""The client email as a mail reader parses it: subject, HTML head, list headers."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest

from sectornotes.distribute.compose import Letter, MailingList, mailing_list, message_bytes
from sectornotes.distribute.headers import MAX_LINE
from sectornotes.distribute.rows import Delivery

NOW = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
SENDER = "Research <research@house.example>"
LONG_ENGLISH = ("China AI after DeepSeek: from traffic to capex to applications — "
                "Outperform (previously: Market perform)")
LONG_CHINESE = ("传媒行业：DeepSeek 带来的 AI 变革，超大规模云厂商资本开支继续增长，"
                "四大厂商再次上调指引 — 强于大市（此前为：中性）")


def delivery(address: str = "desk@alpha.example.invalid") -> Delivery:
    return Delivery(1, "capex-note", "0" * 64, "alpha-capital", "Alpha Capital", address,
                    address, "ab" * 16, "<abab.capex-note@house.example>", None, "pending",
                    None, 0, "", "")


MAILING = MailingList('"House" <sector-notes.house.example>',
                      "mailto:research@house.example?subject=unsubscribe")


def parsed(letter: Letter, mailing: MailingList = MAILING) -> tuple[bytes, EmailMessage]:
    data = message_bytes(SENDER, letter, mailing, delivery(), "capex-note", b"%PDF-1.7 copy",
                         NOW)
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return data, message


@pytest.mark.parametrize("subject", [LONG_ENGLISH, LONG_CHINESE, "Short — 增持",
                                     "Plain ASCII subject", "x" * 120 + " tail",
                                     "looks =?like?= an encoded word"])
def test_subject_unfolds_to_exactly_the_text(subject: str) -> None:
    data, message = parsed(Letter(subject, "text", "<p>html</p>"))
    assert message["Subject"] == subject
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    subject_lines = head.split("Subject: ", 1)[1].split("\r\n")
    lines = [subject_lines[0], *[line for line in subject_lines[1:] if line.startswith(" ")]]
    assert all(len(line) <= MAX_LINE for line in lines)
    assert not any(line.endswith(" ") for line in lines)  # no space left before a fold
    if len(subject) > 70:
        assert len(lines) > 1  # long subjects are folded, not written on one long line


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.charset: str | None = None
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "meta" and "charset" in values:
            self.charset = values["charset"]
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def html_head(html: str) -> _Head:
    head = _Head()
    head.feed(html)
    return head


def test_html_part_names_its_language_charset_and_title(sample_project) -> None:
    from sectornotes.distribute.compose import compose_letter
    from sectornotes.loaded.project import load_project

    model = load_project(sample_project)
    for note_id, lang in (("capex-note", "en"), ("auto-note", "zh-Hans")):
        letter = compose_letter(model, note_id)
        _, message = parsed(letter)
        html_part = message.get_body(("html",))
        assert html_part is not None
        head = html_head(html_part.get_content())
        assert (head.lang, head.charset) == (lang, "utf-8")
        assert head.title == model.notes[note_id].spec.title


CLIENTS = """\
clients:
  - id: alpha-capital
    name: Alpha Capital
    emails: [desk@alpha.example.invalid]
    entitlements: {sectors: [tech]}
"""


def test_list_headers_default_to_a_mail_to_the_sender(make_project) -> None:
    from sectornotes.loaded.project import load_project

    model = load_project(make_project({"clients.yaml": CLIENTS}))
    mailing = mailing_list(model, SENDER)
    assert mailing.list_id == '"Lanternfield Research (sample house)" <sector-notes.house.example>'
    _, message = parsed(Letter("Subject", "text", "<p>html</p>"), mailing)
    assert message["List-Id"] == mailing.list_id
    assert message["List-Unsubscribe"] == "<mailto:research@house.example?subject=unsubscribe>"
    assert message["List-Unsubscribe-Post"] is None  # no one-click without an https address


def test_a_configured_one_click_address_names_the_copy(make_project) -> None:
    from sectornotes.loaded.project import load_project

    clients = CLIENTS + ("unsubscribe:\n  address: optout@house.example\n"
                         "  url: https://house.example/unsubscribe/{watermark}\n")
    model = load_project(make_project({"clients.yaml": clients}))
    assert model.ok, [e.format() for e in model.errors]
    _, message = parsed(Letter("Subject", "text", "<p>html</p>"), mailing_list(model, SENDER))
    assert message["List-Unsubscribe"] == (
        "<mailto:optout@house.example?subject=unsubscribe>, "
        f"<https://house.example/unsubscribe/{delivery().watermark_id}>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(("url", "reason"), [
    ("http://house.example/u/{watermark}", "https"),
    ("https://house.example/unsubscribe", "{watermark}"),
    ("javascript:alert(1)//{watermark}", "http(s)"),
    ("https://house.example/a,b/{watermark}", "percent-encode"),
])
def test_an_unsafe_one_click_address_is_refused_at_its_place(make_project, url, reason) -> None:
    from sectornotes.loaded.project import load_project

    clients = CLIENTS + f"unsubscribe:\n  url: '{url}'\n"
    model = load_project(make_project({"clients.yaml": clients}))
    messages = [e.format() for e in model.errors]
    assert any("clients.yaml:7:" in m and "unsubscribe.url" in m and reason in m
               for m in messages), messages
