"""Buttons speak in the person's own voice: a title is what the person would say ("I will wait", "Yes, go on",
"About someone else"), never an order to them ("Wait", "Report…", ro "Așteptați", fr "Signalez", es "Espere").

The chat itself speaks to the person in the polite or plural imperative (ro "Apăsați", bg "Натиснете",
fr "Appuyez"), so a button in that form reads as one more instruction, not as the person's answer. The titles are
collected the way the app builds them (Texts.menu for every menu in content/menus.yml, and every `menu.*` text,
which bot/reporting.py also uses directly), in every language of content/languages.yml.
"""

from __future__ import annotations

import re

import pytest

from core.config import CONTENT_DIR, load_languages
from core.texts import Texts

# Per language, forms that give an order to the person, looked for in each clause of a title ("Yes, delete" has
# two). "^" patterns look at the clause's first words, where an imperative stands; the others anywhere.
# English and Danish bare imperatives that ask the app to do something ("Skip", "Stop", "Yes, delete",
# "Send the report now") are the person's own words and stay allowed; the person's own acts are not
# ("Report…", "Talk…", "Wait", "Leave…", "Answer…").
ORDERS: dict[str, tuple[str, ...]] = {
    "en": (r"^(report|talk|wait|keep waiting|leave|answer|choose|write|call|tap|press|tell)\b",),
    "da": (r"^(meld|tal|svar|bliv|læg|vent|skriv|ring|vælg|tryk|fortæl)\b",),
    # The 2nd person plural ("Așteptați", "Raportați", "Întrebați-mă", "ștergeți", "păstrați-l").
    "ro": (r"^\w+(ați|eți|iți|îți)\b",),
    # The polite imperative ("Съобщете", "Говорете", "изтрийте", "Първо ме попитайте").
    "bg": (r"^(първо\s+|сега\s+)?(ме\s+|го\s+)?\w+(йте|ете)\b",),
    "uk": (r"^(спершу\s+|спочатку\s+)?(мене\s+)?\w+(йте|іть|іте|ьте)\b",),
    "ru": (r"^(сначала\s+)?(меня\s+)?\w+(йте|ите|ьте)\b",),
    "fr": (r"^\w+ez\b",),  # "Signalez", "Attendez", "Demandez-moi"
    "es": (r"^(pregúnte|pregunte|espere|informe|hable|deje|siga|elija|escriba|llame|responda|envíe|borre|conserve"
           r"|espera|informa|habla|deja|sigue|elige|escribe|llama|responde|envía|borra|conserva)n?(me|nos|lo|la)?\b",),
    # The polite imperative (3rd person, "Espere", "Denuncie", "Perguntem-me") and the informal one ("Espera"),
    # and "por favor" anywhere.
    "pt": (r"^(pergunte|espere|aguarde|denuncie|informe|fale|deixe|continue|siga|escolha|escreva|ligue|responda"
           r"|envie|mande|apague|guarde|mantenha|carregue|toque|clique|conte|diga"
           r"|espera|aguarda|denuncia|fala|deixa|escolhe|escreve|liga|responde|envia|manda|apaga|guarda|toca)"
           r"m?(-(me|nos|o|a|lo|la))?\b", r"\bpor favor\b"),
    # Masculine singular and plural imperatives ("احذف", "احتفظ", "تابع", "اسألوني").
    "ar": (r"(^|\s)(احذف|احتفظ|تابع|اسألوني|اسألني|انتظر|اترك|أبلغ|تحدث|اضغط|اختر)($|\s)",),
    # No verb endings: the words that make a request an instruction ("please …").
    "th": (r"(กรุณา|โปรด)",),
    "vi": (r"(^|\s)(hãy|vui lòng)(\s|$)",),
    "zh": (r"请",),
    # Tagalog's imperative is the verb's basic form, often with "mo"/"ninyo" after it ("Maghintay", "Burahin mo",
    # "Tanungin muna ako"); the person's own words are in the future or with "ko"/"ako" ("Maghihintay ako").
    # "paki-" ("pakihintay") and "huwag" are requests and prohibitions to the person.
    "tl": (r"^(paki[\w-]*|huwag|wag)\b",
           r"^(maghintay|mag-?report|mag-?ulat|makipag-?usap|kausapin|mag-?iwan|sumagot|sagutin|pumili|piliin"
           r"|sumulat|isulat|tumawag|pindutin|pumindot|sabihin|burahin|itago|tanungin|ituloy|magpatuloy|ipadala"
           r"|manatili|iulat|i-?report)\b",),
    # The 2nd person imperative, singular and plural ("Zgłoś", "Poczekaj", "Usuń", "Najpierw mnie zapytaj",
    # "Zapytajcie"), and "proszę" + infinitive ("Proszę czekać"); the person's own "Poczekam", "Pomijam" stay.
    "pl": (r"^(najpierw\s+)?(mnie\s+)?(zgłoś|zgłos|porozmawiaj|rozmawiaj|czekaj|poczekaj|zaczekaj|zostaw|odpowiedz"
           r"|wybierz|napisz|pisz|zadzwoń|zadzwon|dzwoń|naciśnij|kliknij|powiedz|usuń|usun|zachowaj|zapytaj|kontynuuj"
           r"|wyślij|wyslij|pomiń|pomin|zostań|zostan)(cie)?\b",
           r"^(najpierw\s+)?(mnie\s+)?\w+cie\b", r"^proszę\s+\w+(ć|c)\b"),
    # The polite (plural) imperative in -kite ("Laukite", "Praneškite", "Pirma paklauskite manęs"), and the
    # singular one of the verbs a button would use ("Lauk", "Pranešk"): a bare "-k" would take "tik" (only).
    "lt": (r"^(pirma\s+|pirmiausia\s+)?(mane\s+|manęs\s+)?\w+kit(e|ės)?\b",
           r"^(lauk|pranešk|kalbėk|kalbek|palik|rašyk|rasyk|skambink|spausk|pasirink|atsakyk|ištrink|istrink"
           r"|pasilik|klausk|paklausk)\b",),
}

CLAUSE_BREAK = re.compile(r"[,;:?!.，、；：？！。،؛؟]")


def catalogue() -> Texts:
    languages, default = load_languages(CONTENT_DIR)
    return Texts(CONTENT_DIR, languages, default)


def button_titles(texts: Texts, language: str) -> dict[str, str]:
    """Every button title the person can get in a language, by its text key."""
    titles: dict[str, str] = {}
    for name, items in texts.menus.items():
        for item, button in zip(items, texts.menu(name, language), strict=True):
            titles[item["title"]] = button.title
    for key in texts.by_language[texts.default_language]:
        if key.startswith("menu.") and key not in titles:  # a button built in code from its key
            titles[key] = texts.text(key, language)
    return titles


def orders_in(language: str, title: str) -> list[str]:
    """The clauses of a title that give the person an order."""
    clauses = [clause.strip() for clause in CLAUSE_BREAK.split(title) if clause.strip()]
    return [clause for clause in clauses
            if any(re.search(pattern, clause, re.IGNORECASE) for pattern in ORDERS[language])]


def test_every_language_has_its_orders_listed() -> None:
    assert set(catalogue().languages) <= set(ORDERS), "add the new language's imperative forms to ORDERS"


def test_every_button_title_is_the_persons_own_choice_not_an_order() -> None:
    texts = catalogue()
    found = [f"{language} {key}: {title!r} reads as an order ({', '.join(map(repr, clauses))}); "
             f"write what the person would say, in the first person or as a short neutral choice"
             for language in texts.languages
             for key, title in sorted(button_titles(texts, language).items())
             if (clauses := orders_in(language, title))]
    assert found == [], "\n".join(found)


def test_buttons_are_collected_from_every_menu_and_every_menu_text() -> None:
    texts = catalogue()
    titles = button_titles(texts, "ro")
    assert titles["menu.keep_waiting"] == texts.text("menu.keep_waiting", "ro")  # queue_choice
    assert "menu.danger_now" in titles and "menu.share_ask_first" in titles  # bot/reporting.py, report menus
    assert set(titles) >= {item["title"] for items in texts.menus.values() for item in items}


# Titles the buttons had before they were put in the person's voice: the check must see every one of them.
@pytest.mark.parametrize(("language", "title"), [
    ("en", "Keep waiting"), ("en", "Report a suspicion"), ("en", "Talk to a person"), ("en", "Leave a message"),
    ("en", "Answer questions about my situation"),
    ("da", "Bliv i køen"), ("da", "Meld en mistanke"), ("da", "Tal med et menneske"), ("da", "Læg en besked"),
    ("da", "Svar på spørgsmål om min situation"), ("da", "Vent"),
    ("ro", "Așteptați în continuare"), ("ro", "Raportați o suspiciune"), ("ro", "Vorbiți cu o persoană"),
    ("ro", "Da, ștergeți"), ("ro", "Nu, păstrați-l"), ("ro", "Întrebați-mă întâi"),
    ("bg", "Съобщете за подозрение"), ("bg", "Говорете с човек"), ("bg", "Да, изтрийте"),
    ("bg", "Не, запазете го"), ("bg", "Първо ме попитайте"),
    ("uk", "Спершу запитайте мене"), ("uk", "Зачекайте"), ("ru", "Сначала спросите меня"), ("ru", "Подождите"),
    ("fr", "Demandez-moi d'abord"), ("fr", "Signalez un soupçon"), ("fr", "Attendez"),
    ("es", "Pregúntenme primero"), ("es", "Espere"), ("es", "Informe de una sospecha"),
    ("ar", "نعم، احذف"), ("ar", "لا، احتفظ بها"), ("ar", "نعم، تابع"), ("ar", "اسألوني أولًا"),
    ("th", "กรุณารอ"), ("vi", "Hãy chờ"), ("zh", "请等待"),
    ("pt", "Perguntem-me primeiro"), ("pt", "Espere"), ("pt", "Denuncie uma suspeita"), ("pt", "Sim, apague"),
    ("pt", "Não, guarde-a"), ("pt", "Fale com uma pessoa"), ("pt", "Continue a esperar"), ("pt", "Espera por favor"),
    ("tl", "Maghintay"), ("tl", "Mag-report ng hinala"), ("tl", "Makipag-usap sa isang tao"), ("tl", "Oo, burahin"),
    ("tl", "Hindi, itago ito"), ("tl", "Tanungin muna ako"), ("tl", "Pakihintay"), ("tl", "Mag-iwan ng mensahe"),
    ("pl", "Zgłoś podejrzenie"), ("pl", "Poczekaj"), ("pl", "Tak, usuń"), ("pl", "Nie, zachowaj"),
    ("pl", "Najpierw mnie zapytaj"), ("pl", "Zapytajcie mnie najpierw"), ("pl", "Proszę czekać"),
    ("pl", "Porozmawiaj z człowiekiem"), ("pl", "Pomiń"),
    ("lt", "Laukite"), ("lt", "Praneškite apie įtarimą"), ("lt", "Kalbėkite su žmogumi"), ("lt", "Taip, ištrinkite"),
    ("lt", "Pirma paklauskite manęs"), ("lt", "Palik žinutę"),
])
def test_an_order_is_found(language: str, title: str) -> None:
    assert orders_in(language, title)


@pytest.mark.parametrize(("language", "title"), [
    ("en", "Yes, go on"), ("en", "Skip"), ("en", "Yes, delete"), ("en", "About someone else"),
    ("ro", "De ce întrebați?"), ("ro", "Aștept"), ("ro", "Da, șterg tot"), ("bg", "Само ако първо ме попитат"),
    ("ru", "Только если сначала спросят меня"), ("fr", "Seulement si on me demande avant"),
    ("fr", "J'attends"), ("es", "Sigo esperando"), ("es", "Informar de una sospecha"), ("ar", "نعم، لنتابع"),
    ("pt", "Vou esperar"), ("pt", "Denunciar uma suspeita"), ("pt", "Sim, apagar"), ("pt", "Continuo à espera"),
    ("pt", "Só se me perguntarem primeiro"), ("pt", "Porque pergunta?"),
    ("tl", "Maghihintay ako"), ("tl", "Oo, buburahin ko"), ("tl", "Bakit mo tinatanong?"),
    ("tl", "Kung tatanungin lang muna ako"), ("tl", "Gusto kong mag-report ng hinala"),
    ("pl", "Poczekam"), ("pl", "Pomijam"), ("pl", "Tak, usuwam wszystko"), ("pl", "Chcę zgłosić podejrzenie"),
    ("pl", "Tylko jeśli najpierw mnie zapytają"), ("pl", "Dlaczego o to pytasz?"),
    ("lt", "Lauksiu"), ("lt", "Noriu pranešti apie įtarimą"), ("lt", "Tik jei pirma manęs paklaus"),
    ("lt", "Kodėl klausiate?"),
])
def test_the_persons_own_words_are_not_taken_for_an_order(language: str, title: str) -> None:
    assert orders_in(language, title) == []
