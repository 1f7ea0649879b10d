"""A printable outreach card (docs/outreach.md): A6, a neutral title, the QR code of the chat's link, the link as
text, the hotline and 112, each line in the card's language and in Danish; as PNG (300 dpi) and as PDF.

The QR code is segno's; the text is drawn by Pillow with a font of this machine that has every letter of the
card (fontconfig's choice for the language, else DejaVu Sans). A language none of them can write (Thai or
Chinese with DejaVu alone) is refused with a sentence that says so: a card of empty boxes helps nobody. Right-
to-left text is shaped by Pillow's raqm layout; without raqm such a card is refused too.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import segno
from PIL import Image, ImageDraw, ImageFont, features
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.pdfgen.canvas import Canvas

from core.outreach import OutreachError, check_language, check_source, telegram_link, web_link

DANISH = "da"
DPI = 300
WIDTH, MIN_HEIGHT = 1240, 1748  # A6 at 300 dpi: 105 × 148 mm
MARGIN = 90
QR_SIZE = 640  # px at most, about 54 mm: easy to scan from a poster or a card held in the hand
QR_GAP = 30
LEADING = 12
FALLBACK_FONTS = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
KEYS = ("card.title", "card.scan", "card.hotline", "card.emergency")
PHONE_NUMBERS = ("hotline", "emergency")  # content/facts.yml values the card's texts show
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


class CardTexts(Protocol):
    """What a card needs of core.texts.Texts."""

    def text(self, key: str, language: str, variables: dict[str, str] | None = None) -> str: ...

    def direction(self, language: str) -> str: ...

    values: dict[str, str]


class CardError(OutreachError):
    """A card that cannot be made well on this machine (no font for its letters); the message says why."""


@dataclass(frozen=True)
class Card:
    png: bytes
    pdf: bytes
    link: str  # what the QR code opens


class CardLanguages(CardTexts, Protocol):
    languages: tuple[str, ...]

    def own_name(self, language: str) -> str: ...


@dataclass(frozen=True)
class OutreachCards:
    """What the console's card page needs (put on the app by bot/app.py): the texts and the links' settings."""

    texts: CardLanguages
    public_url: str  # HAVN_PUBLIC_URL
    bot_username: str | None  # HAVN_TELEGRAM_BOT_USERNAME

    def make(self, language: str, source: str) -> Card:
        return card_for(self.texts, language, source, self.public_url, self.bot_username)


def card_for(texts: CardLanguages, language: str, source: str, public_url: str, bot_username: str | None) -> Card:
    """The card for a language and source, both checked (OutreachError with a sentence): what `havn outreach card`
    and the console's page make."""
    check_language(language, texts.languages)
    check_source(source)
    return render(texts, language, web_link(public_url, language, source),
                  telegram_link(bot_username, language, source) if bot_username else None)


@cache
def _font_file(language: str, bold: bool) -> str:
    """fontconfig's font for the language (e.g. Noto Sans Thai when installed), else DejaVu Sans (Pillow finds it
    in the system's font folders)."""
    if shutil.which("fc-match"):
        pattern = f"sans-serif:lang={language}" + (":weight=bold" if bold else "")
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=False)
        if found.returncode == 0 and found.stdout.endswith((".ttf", ".otf")) and Path(found.stdout).exists():
            return found.stdout
    return str(ImageFont.truetype(FALLBACK_FONTS[bold], 10).path)


@cache
def _characters(font_file: str) -> frozenset[int]:
    return frozenset(TTFontFile(font_file).charToGlyph)


def missing_letters(text: str, font_file: str) -> str:
    """The letters of `text` the font has no glyph for (they would print as empty boxes)."""
    have = _characters(font_file)
    return "".join(sorted({char for char in text
                           if not char.isspace() and char not in (LTR_ISOLATE, POP_ISOLATE) and ord(char) not in have}))


def _lines(texts: CardTexts, language: str, rtl: bool) -> dict[str, list[str]]:
    """Each key's text in the card's language, then in Danish (once when the card is Danish). In a right-to-left
    text a phone number is isolated left to right, else "+45 70 20 25 50" would print as "50 25 20 70 45+"."""
    numbers = {name: f"{LTR_ISOLATE}{texts.values[name]}{POP_ISOLATE}" for name in PHONE_NUMBERS} if rtl else {}
    languages = [language] if language == DANISH else [language, DANISH]
    return {key: [texts.text(key, code, numbers if code == language else None) for code in languages] for key in KEYS}


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, **layout: str) -> list[str]:
    """Words onto lines no wider than `width`; a word wider than that (a long link) is cut by letters."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font, **layout) <= width:
            lines[-1] = candidate
            continue
        while draw.textlength(word, font=font, **layout) > width:
            cut = max(1, next(i for i in range(len(word), 0, -1)
                              if draw.textlength(word[:i], font=font, **layout) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines


@dataclass(frozen=True)
class Block:
    """One line of the card (once wrapped): its text, font and the space above it, and for a right-to-left
    language's line how Pillow's raqm lays it out (Danish lines and links stay left to right)."""

    text: str
    font: ImageFont.FreeTypeFont
    gap: int
    layout: tuple[tuple[str, str], ...] = ()

    @property
    def height(self) -> int:
        return self.gap + int(self.font.size) + LEADING


def _laid_out(draw: ImageDraw.ImageDraw, blocks: list[Block]) -> list[Block]:
    """Each block wrapped to the card's width, one Block a line."""
    out = []
    for block in blocks:
        wrapped = _wrap(draw, block.text, block.font, WIDTH - 2 * MARGIN, **dict(block.layout))
        out += [Block(line, block.font, block.gap if n == 0 else 2, block.layout) for n, line in enumerate(wrapped)]
    return out


def _write(draw: ImageDraw.ImageDraw, blocks: list[Block], y: int) -> int:
    """The lines centred from `y` down; returns where the next thing goes."""
    for block in blocks:
        y += block.gap
        draw.text((WIDTH // 2, y), block.text, font=block.font, fill="black", anchor="ma", **dict(block.layout))
        y += int(block.font.size) + LEADING
    return y


def render(texts: CardTexts, language: str, link: str, deep_link: str | None = None) -> Card:
    """The card for `link` (what the QR code opens), with the Telegram deep link as text when there is one."""
    rtl = texts.direction(language) == "rtl"
    if rtl and not features.check("raqm"):
        raise CardError(f"A card in {language!r} cannot be made here: its script needs Pillow's raqm layout, which "
                        "this machine lacks. Please choose another language.")
    lines = _lines(texts, language, rtl)
    regular, bold = _font_file(language, False), _font_file(language, True)
    every_text = " ".join([*(text for values in lines.values() for text in values), link, deep_link or ""])
    if missing := missing_letters(every_text, regular) or missing_letters(" ".join(lines["card.title"]), bold):
        raise CardError(f"A card in {language!r} cannot be made here: no font on this machine has all its letters "
                        f"({missing[:10]}…). Install a font for it (e.g. Noto Sans), or choose another language.")

    def font(size: int, heavy: bool = False) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(bold if heavy else regular, size)

    # Top to bottom: the titles, the QR code, what to do with it and the link(s), the hotline, 112. Each key's
    # first line (the card's language) larger than its Danish one.
    own = (("direction", "rtl"), ("language", language)) if rtl else ()

    def pair(key: str, sizes: tuple[int, int], gaps: tuple[int, int], heavy: bool = False) -> list[Block]:
        """A key's line in the card's language, then (smaller, plain) in Danish."""
        return [Block(text, font(sizes[n > 0], heavy=heavy and n == 0), gaps[n > 0], own if n == 0 else ())
                for n, text in enumerate(lines[key])]

    title = lines["card.title"][0]
    top = pair("card.title", (76, 44), (0, 10), heavy=True)
    bottom = [*pair("card.scan", (36, 30), (0, 6)), Block(link, font(30), 22)]
    if deep_link:
        bottom += [Block(texts.text("card.telegram", language), font(30), 14, own), Block(deep_link, font(30), 2)]
    bottom += [*pair("card.hotline", (42, 34), (30, 6), heavy=True), *pair("card.emergency", (42, 34), (30, 6), True)]
    scratch = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    top, bottom = _laid_out(scratch, top), _laid_out(scratch, bottom)
    qr = Image.open(io.BytesIO(_qr_png(link))).convert("RGB")
    height = max(MIN_HEIGHT, 2 * MARGIN + qr.height + 2 * QR_GAP + sum(block.height for block in [*top, *bottom]))
    card = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(card)
    y = _write(draw, top, MARGIN) + QR_GAP
    qr_box = ((WIDTH - qr.width) // 2, y, (WIDTH + qr.width) // 2, y + qr.height)
    card.paste(qr, qr_box[:2])
    _write(draw, bottom, y + qr.height + QR_GAP)
    png = io.BytesIO()
    card.save(png, "PNG", dpi=(DPI, DPI))
    return Card(png.getvalue(), _pdf(png.getvalue(), card.size, qr_box, link, title), link)


def _qr_png(link: str) -> bytes:
    """The link's QR code, medium error correction (a card gets creased), with its quiet zone; whole pixels a
    module, as near QR_SIZE as that allows."""
    code = segno.make(link, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=max(1, QR_SIZE // code.symbol_size(border=4)[0]), border=4)
    return out.getvalue()


def _pdf(png: bytes, size: tuple[int, int], qr_box: tuple[int, int, int, int], link: str, title: str) -> bytes:
    """One page the card's size with the card's image; the QR code is a link too, and the link is in the page's
    text (invisible, over the image), so that it can be found and copied in a PDF viewer."""
    scale = 72 / DPI
    width, height = size[0] * scale, size[1] * scale
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(title)
    pdf.drawImage(ImageReader(io.BytesIO(png)), 0, 0, width, height)
    left, top, right, bottom = (value * scale for value in qr_box)
    pdf.linkURL(link, (left, height - bottom, right, height - top), relative=0)
    text = pdf.beginText(left, height - bottom - 12)
    text.setTextRenderMode(3)  # invisible: the printed link is the image's
    text.setFont("Helvetica", 6)
    text.textLine(link)
    pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
