"""A typed answer to "keep waiting, or leave a message?" (bot/queue_words.py, content/queue_words.yml): in all 16
languages, each button's own title and the words people type for it, with "ok" or "thanks" around them; never a
longer sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.queue_words import QUEUE_WORDS, load_queue_words, queue_answer
from core.config import CONTENT_DIR, load_languages
from core.texts import Texts
from core.vocabulary import Command

LANGUAGES, DEFAULT = load_languages(CONTENT_DIR)
TEXTS = Texts(CONTENT_DIR, LANGUAGES, DEFAULT)

# Found walking the chat, and as people type them: "I will wait" in every language.
WAITING = {
    "en": ["I will wait", "i'll wait", "ok I will wait, thanks", "wait", "I'll keep waiting"],
    "da": ["jeg venter", "Jeg venter gerne", "ok jeg venter tak"],
    "ro": ["voi aștepta", "voi astepta", "aștept", "ok, aștept"],
    "bg": ["ще чакам", "добре, ще изчакам"],
    "uk": ["я зачекаю", "добре, почекаю"],
    "ru": ["я подожду", "хорошо, буду ждать"],
    "th": ["ฉันจะรอ", "ฉันจะรอค่ะ", "รอได้ครับ"],
    "vi": ["tôi sẽ chờ", "toi se cho", "dạ em chờ ạ"],
    "zh": ["我继续等", "好的，我等"],
    "ar": ["سأنتظر", "سانتظر", "حسنا سأنتظر"],
    "fr": ["j'attends", "d'accord, je vais attendre"],
    "es": ["sigo esperando", "vale, espero"],
    "pt": ["vou esperar", "ok, vou aguardar"],
    "tl": ["maghihintay ako", "sige po maghihintay ako"],
    "pl": ["poczekam", "ok, zaczekam"],
    "lt": ["lauksiu", "gerai, palauksiu"],
}
MESSAGE = {
    "en": ["I will leave a message", "leave a message please"],
    "da": ["jeg lægger en besked"],
    "ro": ["las un mesaj"],
    "th": ["ฝากข้อความค่ะ"],
    "ar": ["سأترك رسالة"],
    "zh": ["我要留言"],
}
# Words about waiting or a message, but no answer: a sentence, a question, the frame alone.
NOT_ANSWERS = [
    "wait, they took my passport",
    "how long do I have to wait?",
    "I cannot wait, he is coming",
    "they make me wait for my pay",
    "ok",
    "thanks",
    "yes",
    "",
    "?",
    "message from my boss",
    "jeg venter på min løn",
    "ok ok",
]


def test_every_language_of_the_chat_has_both_answers_and_is_marked_machine_drafted() -> None:
    raw = yaml.safe_load(QUEUE_WORDS.read_text(encoding="utf-8"))
    assert set(raw) == set(LANGUAGES) == set(WAITING)
    assert "MACHINE-DRAFTED" in QUEUE_WORDS.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_buttons_own_title_typed_is_its_answer(language: str) -> None:
    assert queue_answer(TEXTS.text("menu.keep_waiting", language)) == Command.QUEUE_WAIT
    assert queue_answer(TEXTS.text("menu.leave_message", language)) == Command.QUEUE_MESSAGE


@pytest.mark.parametrize(("language", "text"), [(code, text) for code, texts in WAITING.items() for text in texts])
def test_i_will_wait_typed_in_every_language(language: str, text: str) -> None:
    assert queue_answer(text) == Command.QUEUE_WAIT


@pytest.mark.parametrize("text", [text for texts in MESSAGE.values() for text in texts])
def test_i_will_leave_a_message_typed(text: str) -> None:
    assert queue_answer(text) == Command.QUEUE_MESSAGE


@pytest.mark.parametrize("text", NOT_ANSWERS)
def test_a_sentence_or_a_frame_alone_is_no_answer(text: str) -> None:
    assert queue_answer(text) is None


def test_a_phrase_in_both_lists_stops_the_load(tmp_path: Path) -> None:
    path = tmp_path / "queue_words.yml"
    path.write_text(
        'en: {wait: ["wait"], message: ["message"], around: ["ok"]}\n'
        'da: {wait: ["besked"], message: ["wait"], around: ["ok"]}\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="both lists"):
        load_queue_words(path)
