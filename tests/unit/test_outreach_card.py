"""Outreach cards (handover/outreach_card.py, `havn outreach card`): the PNG's QR code decodes (zbarimg, Debian's
zbar-tools: `make test` installs it) to exactly the link, the PDF is a PDF that carries the link, every letter of
a Latin or Cyrillic card has a glyph, and a language or source the card cannot be made for is refused with one
clear line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core.outreach import OutreachError
from handover.outreach_card import CardError, _font_file, _lines, card_for, missing_letters, render
from tests.conftest import TEXTS
from tests.unit.test_cli import HAVN, ROOT

LINK = "https://chat.example.org/?lang=ro&src=farm-lolland"


def run(*args: str, tmp: Path, public_url: str = "") -> subprocess.CompletedProcess[str]:
    """`havn` as a person runs it (tests/unit/test_cli.py), with its var folder and HAVN_PUBLIC_URL."""
    environment = {"HAVN_VAR_DIR": str(tmp), "HAVN_PUBLIC_URL": public_url, "PATH": "/usr/bin:/bin"}
    return subprocess.run([*HAVN, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, env=environment)


def decoded(png: Path) -> list[str]:
    """Every QR code zbarimg finds in the picture, as text."""
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg is missing: install the Debian package zbar-tools (make /usr/bin/zbarimg)"
    found = subprocess.run([zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
                           capture_output=True, text=True, timeout=60)
    return found.stdout.splitlines()


def test_the_png_qr_code_opens_exactly_the_link_and_the_pdf_carries_it(tmp_path: Path) -> None:
    card = render(TEXTS, "ro", LINK, "https://t.me/havn_bot?start=ro_farm-lolland")
    (tmp_path / "card.png").write_bytes(card.png)
    assert decoded(tmp_path / "card.png") == [LINK]
    assert card.png.startswith(b"\x89PNG") and card.link == LINK
    assert card.pdf.startswith(b"%PDF-") and card.pdf.rstrip().endswith(b"%%EOF")
    assert f"/URI ({LINK})".encode() in card.pdf  # the QR code is a link in the PDF too
    assert f"({LINK}) Tj".encode() in card.pdf  # and the link is the page's text


def test_another_link_gives_another_code(tmp_path: Path) -> None:
    other = "https://chat.example.org/?lang=uk&src=clinic-2"
    (tmp_path / "card.png").write_bytes(render(TEXTS, "uk", other).png)
    assert decoded(tmp_path / "card.png") == [other]


@pytest.mark.parametrize("language", ["ro", "uk", "bg", "ru", "vi", "fr", "es", "da", "en"])
def test_latin_and_cyrillic_cards_have_a_glyph_for_every_letter(language: str) -> None:
    lines = _lines(TEXTS, language, rtl=False)
    text = " ".join(line for values in lines.values() for line in values)
    assert "Hjælp" in text or language == "da"  # the Danish line is there, in its own letters
    assert missing_letters(text, _font_file(language, False)) == ""
    assert missing_letters(" ".join(lines["card.title"]), _font_file(language, True)) == ""


def test_a_missing_glyph_is_noticed() -> None:
    assert missing_letters("abc ฉัน", _font_file("en", False)) == "".join(sorted("ฉัน"))


def test_a_language_no_font_here_can_write_is_refused_not_printed_as_boxes() -> None:
    title = TEXTS.text("card.title", "th")
    if not missing_letters(title, _font_file("th", False)):
        pytest.skip("this machine has a font with Thai letters: the card can be made")
    with pytest.raises(CardError, match="no font on this machine has all its letters"):
        render(TEXTS, "th", LINK)


def test_the_card_checks_its_language_and_source() -> None:
    with pytest.raises(OutreachError, match="Known languages: da, en, ro"):
        card_for(TEXTS, "xx", "farm-lolland", "https://chat.example.org", None)
    with pytest.raises(OutreachError, match="like farm-lolland"):
        card_for(TEXTS, "ro", "Farm Lolland", "https://chat.example.org", None)


def test_the_command_writes_the_png_and_the_pdf(tmp_path: Path) -> None:
    result = run("outreach", "card", "--language", "uk", "--source", "clinic-2", "--output", str(tmp_path / "cards"),
                 tmp=tmp_path, public_url="https://chat.example.org")
    assert result.returncode == 0, result.stderr
    link = "https://chat.example.org/?lang=uk&src=clinic-2"
    assert result.stdout.strip().endswith(f"the QR code opens {link}")
    png, pdf = tmp_path / "cards" / "card-uk-clinic-2.png", tmp_path / "cards" / "card-uk-clinic-2.pdf"
    assert decoded(png) == [link]
    assert pdf.read_bytes().startswith(b"%PDF-") and f"/URI ({link})".encode() in pdf.read_bytes()


@pytest.mark.parametrize(("arguments", "sentence"), [
    (("--language", "hu", "--source", "farm"), "Known languages: da, en, ro, bg, uk"),
    (("--language", "ro", "--source", "Farm Lolland"), "like farm-lolland"),
])
def test_the_command_refuses_kindly_in_one_line(tmp_path: Path, arguments: tuple[str, ...], sentence: str) -> None:
    result = run("outreach", "card", *arguments, "--output", str(tmp_path / "cards"), tmp=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("havn outreach card: ") and result.stderr.strip().count("\n") == 0
    assert sentence in result.stderr
    assert not (tmp_path / "cards").exists()
