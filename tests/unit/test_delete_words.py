"""A typed request to delete the chat (bot/delete_words.py, content/delete_words.yml): in all 16 languages, typed
without diacritics, with "please" or "I want to" around it; never a longer sentence that only mentions deleting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.delete_words import DELETE_WORDS, asks_to_delete, load_delete_words
from core.config import CONTENT_DIR, load_languages

# At least one request in every language of content/languages.yml, most of them as a tester typed them.
REQUESTS = {
    "en": ["delete", "Delete!", "delete this chat", "delete my messages", "erase everything", "please delete",
           "I want to delete everything please", "how do I delete this chat", "delete all now"],
    "da": ["slet", "Slet chatten", "slet alt", "jeg vil slette chatten", "slet mine beskeder tak"],
    "ro": ["sterge", "Șterge tot", "vreau sa sterg tot", "sterge conversatia te rog"],
    "ar": ["احذف", "احذف المحادثة", "أريد حذف المحادثة", "امسح كل شيء من فضلك"],
    "th": ["ลบแชท", "ลบ", "ลบแชทค่ะ", "ฉันอยากลบข้อความทั้งหมด", "ช่วยลบแชทให้หน่อยครับ", "ลบ แชท"],
    "bg": ["изтрий", "изтрий чата", "искам да изтрия всичко", "iztrii vsichko"],
    "es": ["borrar", "borra todo", "quiero borrar la conversacion", "eliminar mis mensajes por favor"],
    "fr": ["supprimer", "Supprimer la conversation", "je veux supprimer mes messages", "efface tout stp"],
    "lt": ["ištrinti", "istrinti viska", "noriu ištrinti pokalbį", "ištrinkite mano žinutes prašau"],
    "pl": ["usuń", "usun wszystko", "chcę usunąć rozmowę", "skasuj czat prosze"],
    "pt": ["apagar", "apaga tudo", "quero apagar a conversa", "excluir minhas mensagens por favor"],
    "ru": ["удалить", "Удали чат", "я хочу удалить переписку", "udalit vse", "удалите всё пожалуйста"],
    "tl": ["burahin", "burahin lahat po", "pakibura ang chat", "i-delete mo na po", "gusto kong burahin lahat"],
    "uk": ["видалити", "видали чат", "я хочу видалити все", "видаліть мої повідомлення будь ласка"],
    "vi": ["xoa", "xoa het", "xoa cuoc tro chuyen", "Xóa cuộc trò chuyện này", "toi muon xoa het", "xóa hết đi ạ"],
    "zh": ["删除", "删除聊天记录", "我想删除聊天记录", "请删掉吧", "全部删除"],
}

# Deleting named, but not this chat asked for: a question about something else, what someone did, a refusal.
NOT_REQUESTS = ["how do I delete my facebook", "they deleted my photos", "delete my facebook", "don't delete",
                "he deleted everything", "I deleted the app", "can you delete my boss", "slet ikke", "ikke slet",
                "nu sterge", "xoa bop", "他删了", "别删", "อย่าลบ", "не удаляй", "ne supprime pas", "no borres",
                "please", "now", "thanks", "", "   ", "!!", "ok", "hello", "delete delete my facebook"]


def test_every_language_of_the_chat_has_requests() -> None:
    raw = yaml.safe_load(DELETE_WORDS.read_text(encoding="utf-8"))
    languages, _ = load_languages(CONTENT_DIR)
    assert set(raw) == set(languages) == set(REQUESTS)
    assert "MACHINE-DRAFTED" in DELETE_WORDS.read_text(encoding="utf-8")


@pytest.mark.parametrize(("language", "text"),
                         [(language, text) for language, texts in REQUESTS.items() for text in texts])
def test_a_request_to_delete_is_heard(language: str, text: str) -> None:
    assert asks_to_delete(text), (language, text)


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_a_sentence_about_deleting_is_no_request(text: str) -> None:
    assert not asks_to_delete(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("stergeti mesajele?", False), ("Ștergeți mesajele?", False), ("delete?", False), ("删除吗？", False),
    ("احذف؟", False), ("can you delete my messages?", True), ("how do I delete this chat?", True),
    ("可以删除吗？", True), ("stergeti mesajele", True)])
def test_a_question_is_a_request_only_when_it_asks_for_one(text: str, expected: bool) -> None:
    """"Do you delete the messages?" is for the NLU (ask_anonymous); "can you delete my messages?" is a request."""
    assert asks_to_delete(text) is expected


def test_words_only_around_a_request_are_dropped() -> None:
    """"please" and "I want to" frame a request; they never make one of something else."""
    assert asks_to_delete("please please delete now please")
    assert not asks_to_delete("i want to talk to a person please")


@pytest.mark.parametrize("content", ["en: [delete]", "en: {requests: delete}", "en: {before: [please]}",
                                     "en: {requests: [delete], verbs: [erase]}", "en: {requests: ['!!']}"])
def test_a_mistake_in_the_file_names_its_place(tmp_path: Path, content: str) -> None:
    path = tmp_path / "delete_words.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="en"):
        load_delete_words(path)
