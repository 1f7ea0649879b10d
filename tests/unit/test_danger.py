"""The danger lexicon (bot/danger.py, content/danger/): normalisation, negation, the three cues in several
languages and scripts, the order of seriousness, and a clear error for a broken file.

How well it finds danger is measured by bench/danger.py on a blind test set, not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.danger import LEXICON_DIR, Cue, DangerHit, DangerLexicon, DangerLexiconError, normalise
from core.config import CONTENT_DIR, load_languages


@pytest.fixture(scope="module")
def lexicon() -> DangerLexicon:
    return DangerLexicon.load()


def rule_ids(language: str, cue: Cue) -> set[str]:
    data = yaml.safe_load((LEXICON_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    return set(data[cue.value])


# --- normalisation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("HJÆLP mig nu!!!", "hjaelp mig nu"),  # case, æ, punctuation
    ("Ajutați-mă, bună", "ajutati ma buna"),  # Romanian diacritics and the hyphen
    ("Cứu em với", "cu em voi"),  # Vietnamese tones and đ-style letters, then "uu" collapsed
    ("heeelp meee nooow", "help me now"),  # letters repeated in a row
    ("killll me", "kil me"),  # the lexicon is folded the same way, so "kill" still matches
    ("I can't get out", "i cant get out"),  # apostrophes dropped
    ("call 112 😱😱", "cal 112"),  # digits kept whole, emoji gone
    ("Мне 15 лет, всё", "мне 15 лет все"),  # Cyrillic kept, ё → е
    ("йод", "йод"),  # й is a letter of its own, not и with a mark
    ("أنا في خطر", "انا في خطر"),  # hamza forms folded, Arabic letters kept
    ("عُمري ١٥", "عمري 15"),  # vowel marks dropped, Arabic-Indic digits
    ("ช่วยด้วยยยย", "ช่วยด้วย"),  # Thai vowels and tone marks kept, the repeated ย collapsed
    ("救救我！", "救我"),  # full-width punctuation folded
])
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_thai_and_chinese_match_without_spaces_and_inside_a_longer_message(lexicon: DangerLexicon) -> None:
    for text in ("ช่วย ด้วย", "ตอนนี้ช่วยด้วยค่ะ", "救 命", "他来了救命啊"):
        hit = lexicon.match(text)
        assert hit is not None and hit.cue is Cue.DANGER, text


def test_spaced_scripts_match_whole_words_only(lexicon: DangerLexicon) -> None:
    assert lexicon.match("he raped me") is not None
    assert lexicon.match("je me rappelle pas") is None  # "rappelle" is not a form of "rape"
    assert lexicon.match("i need a break in 12 hours") is None


# --- the three cues, in several languages and scripts ----------------------------------------------------


@pytest.mark.parametrize(("text", "cue", "language"), [
    ("help me now", Cue.DANGER, "en"),
    ("they will kill me", Cue.DANGER, "en"),
    ("he is coming back", Cue.DANGER, "en"),
    ("my neighbour is locked in", Cue.DANGER, "en"),
    ("they took my passport and threaten me", Cue.DANGER, "en"),
    ("i want to die", Cue.SELF_HARM, "en"),
    ("I will kill myself", Cue.SELF_HARM, "en"),
    ("I'm 15", Cue.CHILD, "en"),
    ("i'm a minor", Cue.CHILD, "en"),
    ("hjælp mig nu", Cue.DANGER, "da"),
    ("han slår mig", Cue.DANGER, "da"),
    ("jeg er låst inde", Cue.DANGER, "da"),
    ("jeg vil dø", Cue.SELF_HARM, "da"),
    ("jeg er 16 år", Cue.CHILD, "da"),
    ("jeg er 16år", Cue.CHILD, "da"),
    ("o sa ma omoare", Cue.DANGER, "ro"),
    ("sunt inchisa in camera", Cue.DANGER, "ro"),
    ("chemati politia repede", Cue.DANGER, "ro"),
    ("vreau sa mor", Cue.SELF_HARM, "ro"),
    ("am 15 ani", Cue.CHILD, "ro"),
    ("الحقوني", Cue.DANGER, "ar"),
    ("بيضربني", Cue.DANGER, "ar"),
    ("ana fi khatar", Cue.DANGER, "ar"),
    ("بدي موت", Cue.SELF_HARM, "ar"),
    ("عمري ١٦ سنة", Cue.CHILD, "ar"),
    ("vao me matar", Cue.DANGER, "pt"),  # Brazil puts the pronoun first …
    ("ele vai matar-me", Cue.DANGER, "pt"),  # … Portugal after the verb
    ("to trancada no quarto", Cue.DANGER, "pt"),
    ("bateu-me outra vez", Cue.DANGER, "pt"),
    ("vou-me matar", Cue.SELF_HARM, "pt"),
    ("nao quero mais viver", Cue.SELF_HARM, "pt"),
    ("tenho 15 anos", Cue.CHILD, "pt"),
    ("sou de menor", Cue.CHILD, "pt"),
    # pt round 2: someone else beaten now, a death threat, Brazil's 190, a plea "for the love of God", drunk and
    # breaking things, "better I die", a girl's age without "anos"
    ("tão batendo numa menina aqui do lado", Cue.DANGER, "pt"),
    ("ele me ameaçou de morte ontem", Cue.DANGER, "pt"),
    ("liga pro 190 rapido", Cue.DANGER, "pt"),
    ("ajuda-me pelo amor de deus", Cue.DANGER, "pt"),
    ("ele chegou a casa bêbado e está a partir tudo", Cue.DANGER, "pt"),
    ("seria melhor eu morrer", Cue.SELF_HARM, "pt"),
    ("sou uma rapariga de 16", Cue.CHILD, "pt"),
    ("ช่วยด้วย", Cue.DANGER, "th"),
    ("เขาจะฆ่าหนู", Cue.DANGER, "th"),
    ("หนูถูกขังในห้อง", Cue.DANGER, "th"),
    ("อยากตาย", Cue.SELF_HARM, "th"),
    ("หนูอายุ 15", Cue.CHILD, "th"),
    ("papatayin nya ako", Cue.DANGER, "tl"),
    ("nakakulong ako sa kwarto", Cue.DANGER, "tl"),
    ("binubugbog ako ng amo ko", Cue.DANGER, "tl"),
    ("gusto ko nang mamatay", Cue.SELF_HARM, "tl"),
    ("16 pa lang ako", Cue.CHILD, "tl"),
    ("menor de edad po ako", Cue.CHILD, "tl"),
    ("ratunku", Cue.DANGER, "pl"),
    ("on mnie zabije", Cue.DANGER, "pl"),
    ("zamkneli mnie w pokoju", Cue.DANGER, "pl"),
    ("wezwijcie policje szybko", Cue.DANGER, "pl"),
    ("chce umrzec", Cue.SELF_HARM, "pl"),
    ("Zabiję się", Cue.SELF_HARM, "pl"),
    ("mam 16 lat", Cue.CHILD, "pl"),
    ("jestem niepełnoletnia", Cue.CHILD, "pl"),
    ("on mnie zaraz zabije", Cue.DANGER, "pl"),
    # pl round 2: word families in wording the dev set does not have
    ("szef powiedzial ze nas wszystkich pozabija", Cue.DANGER, "pl"),
    ("porwali mojego brata z budowy", Cue.DANGER, "pl"),
    ("tam za magazynem tluka jakiegos chlopaka", Cue.DANGER, "pl"),
    ("juz jada, boimy sie", Cue.DANGER, "pl"),
    ("mysle zeby sie powiesic", Cue.SELF_HARM, "pl"),
    ("jeszcze nie mam osiemnastu lat", Cue.CHILD, "pl"),
    ("najlepiej jakbym nie zyla", Cue.SELF_HARM, "pl"),
    ("on rzuca nozem i krzyczy", Cue.DANGER, "pl"),
    ("padekit greiciau jis ateina", Cue.DANGER, "lt"),
    ("jis mane musa", Cue.DANGER, "lt"),
    ("mane uzrakino kambaryje", Cue.DANGER, "lt"),
    ("noriu mirti", Cue.SELF_HARM, "lt"),
    ("man 16 metų", Cue.CHILD, "lt"),
    # lt round 2: hiding, a worker beaten, coming back drunk, ending it all, the age to come
    ("jis vel grizta girtas, bijau", Cue.DANGER, "lt"),
    ("pasislepem rusy nuo ju", Cue.DANGER, "lt"),
    ("brigadininkas sumuse kolega", Cue.DANGER, "lt"),
    ("noriu su viskuo baigti", Cue.SELF_HARM, "lt"),
    ("man greitai bus 15", Cue.CHILD, "lt"),
    ("bosas sakė kad nušaus", Cue.DANGER, "lt"),  # a threat to kill in any form
    ("noriu mirt", Cue.SELF_HARM, "lt"),  # the infinitive cut short, as typed
    ("man dar nėra aštuoniolikos", Cue.CHILD, "lt"),
    ("nebenoriu gyvent", Cue.SELF_HARM, "lt"),
])
def test_each_cue_fires(lexicon: DangerLexicon, text: str, cue: Cue, language: str) -> None:
    hit = lexicon.match(text)
    assert hit is not None and (hit.cue, hit.language) == (cue, language)


def test_every_language_is_checked_whatever_the_conversation_language(lexicon: DangerLexicon) -> None:
    # Mixed languages: a Danish and an English phrase in one message; no language is passed in.
    hit = lexicon.match("hej, jeg har et spørgsmål... he is coming back")
    assert hit is not None and hit.language == "en"


def test_the_most_serious_cue_wins(lexicon: DangerLexicon) -> None:
    both = lexicon.match("im 15 and they will kill me, i want to die")
    assert both is not None and both.cue is Cue.SELF_HARM  # its reply adds the suicide line
    danger_and_child = lexicon.match("i am 15 and he hits me")
    assert danger_and_child is not None and danger_and_child.cue is Cue.DANGER


def test_a_hit_names_the_rule_never_the_persons_words(lexicon: DangerLexicon) -> None:
    texts = ["help me now please, my name is Maria", "jeg er 16 år og bor i Aarhus", "بيضربني كل يوم يا ناس",
             "ช่วยด้วยค่ะ หนูชื่อแอน"]
    for text in texts:
        hit = lexicon.match(text)
        assert hit is not None
        assert hit.rule in rule_ids(hit.language, hit.cue)
        assert hit.rule not in normalise(text)


# --- what must not fire ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "I am not in danger",
    "i'm not in danger, i just have a question",
    "is it dangerous to go to the police?",
    "what if he finds out",
    "my boss took my passport",
    "my passport is locked in his office",
    "i cant get out of this debt",
    "should I call the police?",
    "will you call the police",
    "he doesn't hit me, he shouts",
    "i dont want to die",
    "i have been here 15 years",
    "help",
    "jeg er ikke i fare",
    "han slår mig ikke",  # Danish puts the negation after the verb
    "er det farligt at gå til politiet?",
    "nu sunt in pericol",
    "انا مش في خطر",
    "ไปหาตำรวจอันตรายไหม",
    "หนูไม่ได้อยู่ในอันตราย",
    "ไม่อยากตาย",
    "我没有危险",
    "他没打我",
    "打我电话",
    # danger told as long past
    "last year he hit me but now i live alone",
    "he used to beat me back home, that was long ago",
    "السنة الماضية ضربني بس هلق ساكنة لحالي",
    "去年他打过我但现在我一个人住",
    # a threat laughed off, and ordinary words close to the round-2 rules
    "my boss would kill me if i take a day off lol",
    "迟到的话老板会杀了我哈哈",
    "ok thanks bye",  # not the Ukrainian б'є typed in Latin letters
    "can you sell me a sim card",
    "my bags are in the trunk of the car",
    "i will be 15 minutes late",
    "fac 12 ore pe zi",
    "春节快来了",
    "كيف اقدم طعن",
    "my son was born in 2012",
    "没人在乎我们的工资",
    "nao estou em perigo",
    "ele nao me bate",
    "se eu for a policia fico em perigo?",
    "a policia ja sabe",
    "preciso de ajuda urgente com os papeis",
    "tenho 15 anos de experiencia",
    "quero morrer de rir",
    "nao consigo sair da dinamarca sem passaporte",
    # pt round 2: "apanhar" a bus, a plea for help with a course, a film, "kkkk", a boss coming to talk, pills
    # put away, rules followed, a door broken by the wind
    "a vizinha apanha o autocarro às 7",
    "ajuda-me a encontrar um curso de dinamarquês",
    "vi um filme sobre um sequestro",  # the French "séquestré" taken back by the Portuguese film marker
    "o chefe vai me matar se eu chegar atrasada kkkk",
    "tenho medo que o chefe venha falar comigo",
    "guardei os remédios no armário",
    "estou seguindo as regras do contrato",
    "o vento partiu a porta",
    "o meu chefe vai me matar se eu chegar tarde hahaha",
    # Tagalog: a negation, the passport alone, a question about the police, years in Denmark, a joke
    "hindi nya ako sinasaktan, sinisigawan lang",
    "wala ako sa panganib",
    "kinuha ng employer ko yung passport ko",
    "tatawag ba kayo ng pulis?",
    "ayokong mamatay",
    "15 taon na ako dito sa denmark",
    "papatayin ako ng amo ko pag late ako haha",
    "nung isang taon sinaktan nya ako pero ngayon ok na ako",
    # pl: a negation, a question about rights, the screening's passport, idioms, the long past
    "nie jestem w niebezpieczenstwie",
    "czy jestem w niebezpieczenstwie jesli nie mam paszportu",
    "szef zabral mi paszport",
    "ta praca mnie zabija",
    "szef mnie zabije jak sie spoznie xd",
    "umieram z glodu",
    "czy moge isc na policje",
    "rok temu mnie bil ale teraz mieszkam sama",
    "potrzebuje pomocy z umowa",
    "mam 17 lat doswiadczenia",
    "nie chce zyc w danii",
    "zabije mnie ten upal",
    "na budowie jest niebezpiecznie bez kasku",
    # pl round 2: help with papers, a mother's idiom, the screening's "not let out", a question, killing a fly
    "potrzebuje pilnie pomocy z wypowiedzeniem",
    "mama mnie zabije jak zobaczy ten rachunek",
    "nie pozwalaja nam wychodzic z fabryki w czasie zmiany",
    "nie wolno mi wychodzic samej wieczorem",
    "kiedy on wraca do domu z urlopu?",
    "chyba zabije tego komara",
    "zrobie sobie cos do jedzenia",
    "zasne i nie obudze sie na zmiane",
    # Lithuanian: questions, a negation in the verb, an idiom, the long past, a day at the fish factory
    "ar turiu eiti i policija?",
    "ar man gresia pavojus jei pasakysiu?",
    "nesu pavojuje",
    "darbas mane užmuš",
    "pernai jis mane sumušė, dabar gyvenu viena",
    "pjaustau žuvį visą dieną",
    "dirbu su peiliu fabrike",
    "negaliu išeiti iš darbo, nes turiu skolą",
    "as 10 metu dirbau lietuvoje",
    "zadejo alga, bet nemoka",  # Lithuanian "bet" (but) is the Russian "бьет" typed in Latin letters
    # lt round 2: hiding from the rain, followers online, a blood test, finishing the work, an idiom, a cue
    "pasislepiau nuo lietaus",
    "mane seka daug zmoniu tiktoke",
    "man paeme daug kraujo tyrimams",
    "noriu viska baigti iki penktadienio",
    "galva mane zudo",
    "seka mane visur kur einu",  # the screening's cue, not danger now
    "vyras sake kad nusaus triusi",  # a rabbit
    "noriu mirti is juoko",  # an idiom after the words (negation_after)
    "negalime iseiti atostogu?",
    "nenoriu gyventi danijoje",  # where, not whether (as the Polish "nie chce zyc w danii")
    "bosas sako kad uzmus mus darbu",  # "will kill us with work": an idiom
])
def test_ordinary_messages_negations_and_the_long_past_do_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None


@pytest.mark.parametrize("text", ["obeshtaha mi rabota", "platyat menshe chem obeshchali", "ne e kakto obeshtanoto",
                                  "my boss says i am obese", "sou obesa", "обещаха ми работа"])
def test_promised_and_obese_are_not_hanging(lexicon: DangerLexicon, text: str) -> None:
    """Bulgarian обес… (hang) in Latin letters was also обещаха (promised: щ and с share a skeleton), "obese" and
    "obesa": each a self-harm P1 (found writing romanised NLU examples)."""
    assert lexicon.match(text) is None


@pytest.mark.parametrize(("text", "cue", "language"), [
    ("pomogite srochno", Cue.DANGER, "ru"),  # Russian typed in Latin letters
    ("khochu ubit sebya", Cue.SELF_HARM, "ru"),
    ("zatvorena sum v mazeto", Cue.DANGER, "bg"),  # ъ typed as u, я as q elsewhere
    ("vikaite policiqta sega", Cue.DANGER, "bg"),
    ("znovu mene pobyv", Cue.DANGER, "uk"),
    ("v bagajnika sam", Cue.DANGER, "bg"),  # ж typed as j
    ("shte se obesq", Cue.SELF_HARM, "bg"), ("obesih se", Cue.SELF_HARM, "bg"),
])
def test_cyrillic_languages_typed_in_latin_letters(lexicon: DangerLexicon, text: str, cue: Cue, language: str) -> None:
    hit = lexicon.match(text)
    assert hit is not None and (hit.cue, hit.language) == (cue, language), text


def test_sos_emoji_is_a_cry_for_help(lexicon: DangerLexicon) -> None:
    assert normalise("🆘🆘") == "sos sos"
    hit = lexicon.match("🆘")
    assert hit is not None and hit.cue is Cue.DANGER


def test_arabic_and_written_onto_the_next_word(lexicon: DangerLexicon) -> None:
    hit = lexicon.match("اخذوا المفاتيح وسكروا علينا")
    assert hit is not None and hit.cue is Cue.DANGER



@pytest.mark.parametrize(("text", "cue"), [
    ("im thinking to take all the pills tonight", Cue.SELF_HARM),
    ("står på broen og tænker på at springe", Cue.SELF_HARM),
    ("everyone would be better off without me", Cue.SELF_HARM),
    ("ya 3 mesyatsa kopliu snotvornoe", Cue.SELF_HARM),
    ("i am not 18 yet", Cue.CHILD),
    ("i was born in 2010", Cue.CHILD),
    ("我想消失", Cue.SELF_HARM),
    ("el mes q viene cumplo 16", Cue.CHILD),
    ("they say tomorrow they sell me to another man", Cue.DANGER),
    ("he put a gun to my head", Cue.DANGER),
    ("у них оружие и не отпускают", Cue.DANGER),
])
def test_families_of_phrasings_not_only_the_sentence(lexicon: DangerLexicon, text: str, cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue is cue, text


def test_a_past_marker_does_not_silence_an_urgent_message(lexicon: DangerLexicon) -> None:
    hit = lexicon.match("he used to beat me and now he hits me again please help")
    assert hit is not None and hit.cue is Cue.DANGER
    hit = lexicon.match("haha he says he will kill me, please help")  # a joke marker neither
    assert hit is not None and hit.cue is Cue.DANGER


@pytest.mark.parametrize("text", ["this heat is killing me lol", "varmen slår mig ihjel haha",
                                  "este calor me mata jaja", "cười muốn chết 😂"])
def test_idioms_do_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None


def test_a_message_without_words_does_not_fire(lexicon: DangerLexicon) -> None:
    assert lexicon.match("") is None
    assert lexicon.match("!!! 😱") is None


# --- the files -----------------------------------------------------------------------------------------------


def test_every_language_has_a_lexicon_with_all_three_categories() -> None:
    languages, _ = load_languages(CONTENT_DIR)
    for language in languages:
        path = LEXICON_DIR / f"{language}.yml"
        assert path.is_file(), f"no danger lexicon for {language}"
        text = path.read_text(encoding="utf-8")
        assert "MACHINE-DRAFTED" in text and "native speaker" in text, language
        data = yaml.safe_load(text)
        for cue in Cue:
            assert data.get(cue.value), (language, cue)
    assert set(DangerLexicon.load().languages) == set(languages)


def write(directory: Path, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "xx.yml").write_text(text, encoding="utf-8")
    return directory


VALID_REST = "self_harm: {die: {phrases: [i want to die]}}\nchild: {age: {patterns: ['im 1[0-7]']}}\n"


@pytest.mark.parametrize(("text", "message"), [
    ("danger: [oops", "xx.yml: not valid YAML"),
    ("- a list\n", "xx.yml: must be a mapping"),
    (VALID_REST, "xx.yml: the categories ['danger'] are missing"),
    ("dangr: {}\n" + VALID_REST, "xx.yml: unknown keys ['dangr']"),
    ("danger: {help: {phrases: []}}\n" + VALID_REST, "xx.yml: danger.help: must have `phrases` and/or `patterns`"),
    ("danger: {help: {phrase: [help]}}\n" + VALID_REST, "xx.yml: danger.help: must have `phrases` and/or `patterns`"),
    ("danger: {help: {patterns: ['help (me']}}\n" + VALID_REST, "xx.yml: danger.help.patterns: not a valid regular"),
    ("danger: {help: {patterns: ['(help)?']}}\n" + VALID_REST, "xx.yml: danger.help.patterns: matches an empty"),
    ("danger: {help: {phrases: [help, 7]}}\n" + VALID_REST, "xx.yml: danger.help.phrases: must be a list of non-empty"),
    ("danger: {Help Now: {phrases: [help]}}\n" + VALID_REST, "xx.yml: danger: rule id 'Help Now' must be"),
    ("danger: {help: {patterns: ['(?P<x>help)']}}\n" + VALID_REST, "named groups are reserved"),
])
def test_a_malformed_file_gives_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DangerLexiconError) as error:
        DangerLexicon.load(write(tmp_path / "lexicon", text))
    assert message in str(error.value)


def test_an_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DangerLexiconError, match="no lexicon files"):
        DangerLexicon.load(tmp_path)


def test_a_small_valid_file_loads_and_matches(tmp_path: Path) -> None:
    text = "negation: ['not']\ndanger: {help: {phrases: [help me now], patterns: ['(he is|hes) here']}}\n" + VALID_REST
    lexicon = DangerLexicon.load(write(tmp_path / "lexicon", text))
    assert lexicon.match("HELP ME NOW!!") == DangerHit(Cue.DANGER, "xx", "help")
    assert lexicon.match("he's here") == DangerHit(Cue.DANGER, "xx", "help")
    assert lexicon.match("he is not here") is None
    assert lexicon.match("I'm 16") == DangerHit(Cue.CHILD, "xx", "age")


# --- round 3: families tuned on bench/data/danger_tune3, tested here in other words ---------------------

ROUND3_HITS = [
    # en
    ("i dont think ill make it through the night", Cue.DANGER),
    ("a man is following us since the station", Cue.DANGER),
    ("they pushed me into a black van", Cue.DANGER),
    ("there are guys with knives downstairs", Cue.DANGER),
    ("cant talk he is listening, can you call the police", Cue.DANGER),
    ("locked in the shed, no food since monday", Cue.DANGER),
    ("got the rope ready", Cue.SELF_HARM),
    ("nobody will care if i am gone", Cue.SELF_HARM),
    ("im in 8th grade", Cue.CHILD),
    # da
    ("jeg klarer den ikke til i morgen", Cue.DANGER),
    ("min veninde bliver banket af chefen", Cue.DANGER),
    ("de kommer efter os nu", Cue.DANGER),
    ("han er bundet fast i kaelderen", Cue.DANGER),
    ("jeg vil gøre en ende på det hele", Cue.SELF_HARM),
    ("jeg går i 8. klasse", Cue.CHILD),
    # ro
    ("nu stiu daca mai apuc dimineata", Cue.DANGER),
    ("ma urmareste un barbat de la gara", Cue.DANGER),
    ("sparg usa acum", Cue.DANGER),
    ("suntem inchisi in pivnita fara mancare", Cue.DANGER),
    ("vreau sa termin cu viata", Cue.SELF_HARM),
    ("sunt in clasa a 8-a", Cue.CHILD),
    # ru
    ("вряд ли доживу до утра", Cue.DANGER),
    ("за нами кто-то идёт от самого вокзала", Cue.DANGER),
    ("ne znayu kuda nas vezut", Cue.DANGER),  # Latin letters
    ("нас заперли в подвале", Cue.DANGER),
    ("хочу причинить себе боль", Cue.SELF_HARM),
    ("я учусь в 8 классе", Cue.CHILD),
    # uk
    ("навряд чи доживу до ранку", Cue.DANGER),
    ("за нами хтось іде", Cue.DANGER),
    ("u nyoho nizh", Cue.DANGER),  # Latin letters, г typed h
    ("чую крики і удари за стіною", Cue.DANGER),
    ("прощальну записку вже написала", Cue.SELF_HARM),
    ("мені виповниться 15 у травні", Cue.CHILD),
    # bg
    ("едва ли ще доживея до сутринта", Cue.DANGER),
    ("някой ни гони", Cue.DANGER),
    ("разбиват вратата", Cue.DANGER),
    ("v kolata sam s tyah", Cue.DANGER),  # Latin letters
    ("ще си причиня болка", Cue.SELF_HARM),
    ("в 8 клас съм", Cue.CHILD),
    # es
    ("no se si voy a aguantar hasta la manana", Cue.DANGER),
    ("nos metieron en una furgoneta", Cue.DANGER),
    ("la estan estrangulando", Cue.DANGER),
    ("dos dias sin comer y encerrada", Cue.DANGER),
    ("me obligaron a acostarme con clientes", Cue.DANGER),
    ("a nadie le importa si me muero", Cue.SELF_HARM),
    ("estoy en segundo de la eso", Cue.CHILD),
    ("he slammed my head against the wall", Cue.DANGER),
    # fr
    ("je pense pas tenir jusqu au matin", Cue.DANGER),
    ("un mec nous suit depuis le metro", Cue.DANGER),
    ("il menace de me tuer avec son couteau", Cue.DANGER),
    ("ils m ont poussée dans une camionnette", Cue.DANGER),
    ("je saigne beaucoup", Cue.DANGER),
    ("jvais me faire du mal", Cue.SELF_HARM),
    ("je suis en 4e", Cue.CHILD),
    # vi (typed without tones, as often)
    ("co thang dang bam theo em", Cue.DANGER),
    ("ho ep chung em len xe tai", Cue.DANGER),
    ("chắc em không qua khỏi đêm nay", Cue.DANGER),
    ("ho nhot em trong phong 2 ngay khong cho an", Cue.DANGER),
    ("em muốn làm hại chính mình", Cue.SELF_HARM),
    ("em dang hoc lop 11", Cue.CHILD),
    # th
    ("มีผู้ชายสะกดรอยตามฉันมา", Cue.DANGER),
    ("พวกมันผลักเราขึ้นรถตู้", Cue.DANGER),
    ("ฉันโดนแทง", Cue.DANGER),
    ("สองวันไม่มีข้าวกินประตูถูกล็อก", Cue.DANGER),
    ("ซื้อเชือกมาแล้ว", Cue.SELF_HARM),
    # zh
    ("他掐住我的喉咙", Cue.DANGER),
    ("我怕我熬不过今晚", Cue.DANGER),
    ("我们被老板锁在宿舍里", Cue.DANGER),
    ("两天没吃没喝了", Cue.DANGER),
    ("死了都没人关心", Cue.SELF_HARM),
    ("我读初二", Cue.CHILD),
    # ar
    ("في واحد لاحقني من الصبح", Cue.DANGER),
    ("ركبوني في سياره", Cue.DANGER),
    ("ما بيخلوني اطلع من البيت", Cue.DANGER),
    ("قالوا رح يخلصوا علي", Cue.DANGER),
    ("bado yi2telni", Cue.DANGER),  # 3arabizi
    ("جبت الحبل", Cue.SELF_HARM),
    ("عمري 16", Cue.CHILD),
    # the same families carried to the languages whose tuning set did not ask for them
    ("no puedo hablar, el me escucha, pueden llamar a la policia", Cue.DANGER),
    ("他在旁边我不能打电话，帮我报警", Cue.DANGER),
    ("写好了遗书", Cue.SELF_HARM),
    ("หนูเรียนม.2", Cue.CHILD),
]
ROUND3_ORDINARY = [
    "i saw a documentary about people locked in container, is it real",
    "if i call the police will they help me with papers",
    "jeg så en artikel om folk der var låst inde i en container",
    "hjælp tak, hvor kan jeg finde en advokat",
    "ajutor va rog, unde gasesc un avocat",
    "m-am taiat in deget cu cutitul",
    "ya ne v opasnosti",  # the Cyrillic negation heard in Latin letters
    "ubrat kvartiru skolko stoit",  # "убь" no longer a bare stem ("ub…")
    "помогите пожалуйста, где найти юриста",
    "допоможіть будь ласка, де знайти юриста",
    "тази работа ме убива",
    "ne sum v opasnost",  # the Bulgarian negation in Latin letters
    "ayuda porfa, donde encuentro un abogado",
    "me mata esperar tanto por los papeles",
    "antes estaba encerrada en una casa pero eso ya paso",
    "il m a frappé l an dernier, je peux encore porter plainte ?",
    "je peux pas sortir du contrat",
    "thuong con muon chet",  # an intensifier: "love my child to death"
    "ต้องกักตัว 14 วันไหม",  # quarantine, not being held
    "ร้านของฉันคงไม่รอดปีนี้",
    "我要收拾我的东西搬家",  # packing my things, not "deal with me"
    "我不知道我在哪里可以办居留",
    "两天没吃饭了，没钱",  # hunger alone is for the screening, not danger now
    "no food for 2 days, i have no money",
    "llevo dos dias sin comer, no tengo dinero",
    "3 ngay roi khong co com an, het tien",
    "عندي 15 سنه في الدنمارك",  # years in Denmark, not an age
    "بدي اعرف وين اروح عشان الاقامه",
    # screening cues, not danger now: watched all the time, not let out of the workplace, serving clients
    "за мною весь час стежать",
    "ne urmaresc tot timpul",
    "jpeux pas sortir sans le patron",
    "me obligan a atender clientes",
    # ordinary words that earlier rules heard as danger (checked against the NLU examples)
    "i have to go bye",  # not the Bulgarian "го бие" in Latin letters
    "не ми плащат изобщо",  # Bulgarian "at all", not the Russian "изобью"
    "у меня забрали паспорт",  # taken from me: the passport alone is for the screening
    "в мене забрали паспорт", "v mene zabraly pasport",  # Ukrainian "в мене" too (found walking the chat)
    # forced to steal alone is the screening's cue (cue_forced_crime), not danger now (found walking the chat)
    "they force me to steal", "ils me forcent à voler", "мене змушують красти", "mene zmushuiut krasty v magazyni",
    "i need medical help please",
    "m-am taiat la munca",
    "e trafic daca nu pot pleca?",
    "nadie se va a enterar?",
    # a story from the news, in the languages of the last commit
    "tôi đọc báo về công nhân bị nhốt trong trang trại",
    "ฉันอ่านข่าวเรื่องคนงานถูกขังในฟาร์ม",
    "我看新闻说有工人被关在农场",
    "قريت في الاخبار عن عمال محبوسين في مزرعه",
]


@pytest.mark.parametrize(("text", "cue"), ROUND3_HITS)
def test_round3_families_fire(lexicon: DangerLexicon, text: str, cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue is cue, (text, hit)


@pytest.mark.parametrize("text", ROUND3_ORDINARY)
def test_round3_ordinary_does_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text


# --- the words that fired, for the caseworkers' queue line ------------------------------------------------


@pytest.mark.parametrize(("text", "cue", "words"), [
    ("Hi. He will KILL me tonight, help", Cue.DANGER, "He will KILL"),  # as typed, not as normalised
    ("help me now he is coming back", Cue.DANGER, "help me now"),
    ("I want to die!!", Cue.SELF_HARM, "I want to die"),  # without the sentence's marks
    ("Vă rog, ajutați-mă acum! El mă bate", Cue.DANGER, "ajutați-mă acum"),
    ("ok so I am 15", Cue.CHILD, "I am 15"),
    ("Мене б'ють", Cue.DANGER, "Мене б'ють"),
    ("pomogite mne ubivayut", Cue.DANGER, "ubivayut"),  # heard in the transliterated skeleton
    ("他要杀我", Cue.DANGER, "他要杀我"),  # compact script: the stretch without spaces
])
def test_heard_gives_the_cue_and_the_words_as_typed(lexicon: DangerLexicon, text: str, cue: Cue,
                                                    words: str) -> None:
    assert lexicon.heard(text) == [(cue, words)]
    hit = lexicon.match(text)
    assert hit is not None and hit.cue == cue


def test_heard_gives_every_cue_most_serious_first(lexicon: DangerLexicon) -> None:
    """match gives one hit (its reply); the queue line says each: in danger, and a child."""
    text = "I am 15 and he will kill me"
    assert lexicon.heard(text) == [(Cue.DANGER, "he will kill"), (Cue.CHILD, "I am 15")]
    assert lexicon.heard("last year he hit me, now I live alone, I am 16") == [(Cue.CHILD, "I am 16")]


def test_heard_hears_what_match_hears(lexicon: DangerLexicon) -> None:
    for text in ("they took my passport", "i am not in danger", "last year he hit me, now I live alone", ""):
        assert lexicon.heard(text) == [] and lexicon.match(text) is None


# Round 4 (tuned on bench/data/danger_tune4): families, checked here in wording the tuning set does not use.
ROUND4_HITS = [
    ("he threatens to throw acid on my face", Cue.DANGER),
    ("they will cut off my hand if i dont pay", Cue.DANGER),
    ("my roommate was taken last night and they say i am next", Cue.DANGER),
    ("a guy is pulling a woman into a van right now", Cue.DANGER),
    ("the boss says nobody calls an ambulance, my friend is bleeding", Cue.DANGER),
    ("el jefe amenaza con echarme acido", Cue.DANGER),
    ("me obligan a drogarme y me mandan clientes", Cue.DANGER),
    ("il menace de me jeter de l acide", Cue.DANGER),
    ("le patron interdit d appeler les secours", Cue.DANGER),
    ("han kom hjem fuld igen og sparker paa doeren", Cue.DANGER),
    ("de skaerer min finger af hvis jeg ikke betaler", Cue.DANGER),
    ("o sa imi taie mana daca nu platesc", Cue.DANGER),
    ("seful nu ne lasa sa sunam la salvare", Cue.DANGER),
    ("грозится облить меня кислотой", Cue.DANGER),
    ("бригадир запретил вызывать скорую", Cue.DANGER),
    ("примушують вживати наркотики", Cue.DANGER),
    ("заплаши че ще ме залее с киселина", Cue.DANGER),
    ("no doa chon song em", Cue.DANGER),
    ("他威胁要泼硫酸", Cue.DANGER),
    ("มีรถขับตามหนูมา", Cue.DANGER),
    ("hadadni yrosh asid 3ala wijhi", Cue.DANGER),  # 3arabizi
    ("the pills are in my hand now", Cue.SELF_HARM),
    ("ya escribi mi carta de despedida", Cue.SELF_HARM),
    ("таблетки уже в руках", Cue.SELF_HARM),
    ("药就在我手上", Cue.SELF_HARM),
    ("الحبوب في ايدي خلاص", Cue.SELF_HARM),
    ("i turn 18 next year", Cue.CHILD),
    ("el año que viene cumplo 18", Cue.CHILD),
    ("la anul fac 18 ani", Cue.CHILD),
    ("я в девятом классе", Cue.CHILD),
    ("انا في الصف الثامن", Cue.CHILD),
    ("قال راح يرش عليا ماء نار", Cue.DANGER),
    ("no doa cat ngon tay em neu khong tra tien", Cue.DANGER),
    ("他说不还钱就砍我的手", Cue.DANGER),
    ("حاسه اني عبء ومحدش هيفتقدني", Cue.SELF_HARM),  # "nobody" written onto "and" (و)
    ("หนูมียานอนหลับอยู่ในมือ", Cue.SELF_HARM),
    ("我才初三", Cue.CHILD),
    ("sunt in clasa a noua", Cue.CHILD),
    ("догодина ще навърша 18", Cue.CHILD),
    ("у меня в руке таблетки", Cue.SELF_HARM),
    ("vin yii pobyv i ne vidpuskaie", Cue.DANGER),  # Ukrainian in Latin letters: hit and not let go
    ("de holder mig i en lejlighed i odense", Cue.DANGER),
]
ROUND4_ORDINARY = [
    # a film, a series or the news: a story, not now
    "i watched a documentary about kidnapping last week",
    "vi una serie sobre secuestros ayer, que miedo",
    "смотрела фильм про похищение",
    "xem phim ve bat coc so qua",
    "看了一部关于绑架的电影",
    "ดูหนังเรื่องลักพาตัว น่ากลัวมาก",
    # told as last month, with a question about reporting it
    "mon collegue a ete frappe par le chef le mois dernier comment il porte plainte",
    "коллегу ударил начальник в прошлом месяце как ему заявить",
    # someone else's age; an idiom
    "my daughter turns 16 next month, can she work",
    "min soen fylder 17 i naeste uge",
    "想吃火锅想死了",
    "jobul asta ma omoara 14 ore pe zi",
    # screening cues, not danger now (the NLU's cue_* examples): a locked door every night, not let out, clients
    "they locked the door every night",
    "начальник не отпускает меня",
    "họ khóa cửa mỗi tối",
    "карат ме да приемам клиенти",
    "on me laisse pas partir",
    "การบังคับใช้แรงงานคืออะไร",
    "can i come alone to the office",
    # the same families' everyday wording: a lift to the airport, hot water, a farewell at work, a drunk colleague
    "mi amiga me lleva al aeropuerto mañana",
    "друг везет меня в аэропорт завтра",
    "朋友送我去机场",
    "pot sa vin singura la birou",
    "cortaron el agua caliente en el piso, es legal",
    "он опять пришел пьяный на работу, можно пожаловаться",
    "hoy es mi despedida del trabajo",
    "merci, c est un adieu a mon ancien patron",
    "vinh biet cong ty cu",
    "they say i am next in line for the job",
    "hay perros afuera de la casa, es normal",
    "они добьют проект завтра",
    "我也会一样努力",
    "мога ли да дойда сама",  # "can I come alone": a question, not "they say come alone"
    "je dois venir seule au rendez vous ?",
    "тази нощ е последната ми смяна",  # the last shift, not "he says tonight is the last night"
    "em so chet qua khi di phong van",
    "เขาเตะบอลทุกเย็น",  # he plays football
    "老板打他电话没人接",  # the boss phoned him
    "我的行李被带走了",
    "fiul meu e in clasa a noua",  # someone else's school year
    "sunt 9 in camera, e legal",  # "we are 9", not "I am in year 9"
]


@pytest.mark.parametrize(("text", "cue"), ROUND4_HITS)
def test_round4_families_fire_in_unseen_wording(lexicon: DangerLexicon, text: str, cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue is cue, (text, hit)


@pytest.mark.parametrize("text", ROUND4_ORDINARY)
def test_round4_ordinary_does_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text


def test_a_guard_is_not_the_news(lexicon: DangerLexicon) -> None:
    """Vietnamese "bao ve" (bảo vệ, a guard) is not "bao … ve" (a paper about …), which takes a hit back."""
    hit = lexicon.match("6 nguoi 1 phong, bao ve cam gay ai noi chuyen la danh")
    assert hit is not None and hit.cue is Cue.DANGER
    assert lexicon.match("tôi đọc báo về công nhân bị nhốt trong trang trại") is None


# Round 5 (tuned on bench/data/danger_tune5): each family tried in wording the tuning set does not have.
ROUND5_HITS = [
    # "they took the other girl, tonight it is me"
    ("they took my cousin yesterday and tonight it is my turn", Cue.DANGER),
    ("ils ont emmené ma sœur et ce soir c'est mon tour", Cue.DANGER),
    ("они увезли Машу вчера, сегодня моя очередь", Cue.DANGER),
    # thrown from a balcony, a window, overboard
    ("el capitan amenaza con tirarnos al mar", Cue.DANGER),
    ("шефът каза, че ще ме хвърли през прозореца", Cue.DANGER),
    ("a zis ca ne arunca de pe balcon", Cue.DANGER),
    ("nó dọa ném em xuống sông", Cue.DANGER),
    ("他说要把我从窗户扔下去", Cue.DANGER),
    ("เขาขู่จะโยนหนูลงจากหน้าต่าง", Cue.DANGER),
    # "I can't talk, he is right here"; a threat to shoot
    ("no puedo hablar ahora, esta aqui al lado", Cue.DANGER),
    ("de truer med at skyde os", Cue.DANGER),
    # self-harm: better not to wake, hurting oneself, "ending it"
    ("prefiero no despertarme nunca", Cue.SELF_HARM),
    ("лучше бы мне не просыпаться", Cue.SELF_HARM),
    ("mai bine nu ma mai trezesc maine", Cue.SELF_HARM),
    ("em tự làm đau mình mỗi tối", Cue.SELF_HARM),
    ("i keep thinking about ending it", Cue.SELF_HARM),
    ("je me fais du mal quand je suis seule", Cue.SELF_HARM),
    # the birth year said as "I am from 2011"
    ("soy del 2011", Cue.CHILD),
    ("я с 2012", Cue.CHILD),
    ("sunt din 2012", Cue.CHILD),
    ("em 2k10", Cue.CHILD),
    # a bystander: a boy's age is not a "years ago" that takes the beating back
    ("un baiat de 16 ani e batut acum", Cue.DANGER),
]

ROUND5_ORDINARY = [
    "hoy me toca trabajar hasta tarde",  # "my turn" to work
    "they took my order and said tonight it's closed",
    "ثم اخذوا دوري في الطابور",  # they took my place in the queue
    "no puedo hablar ahora, estoy en el trabajo",
    "kan ikke tale nu, er på arbejde",
    "мой первый клиент в салоне был доволен",
    "i think about ending my contract early",
    "i want this to stop, the paperwork is endless",
    "my arm is broken, where can i see a doctor",
    "sunt din 2011 in danemarca",  # living here since 2011, not born
    "dạ em cảm ơn chị",  # the polite "dạ em" is not "đá em" (kick me)
    "ma omoara durerea de cap",  # idioms: a headache, a queue, a back "killing me"
    "мене вбиває ця черга",
    "гърбът ме убива",
    "หลานอายุ17 อยากมาทำงานที่นี่ได้ไหม",  # a niece's age
    "كانوا قافلين عليا قبل في ايطاليا، دلوقتي كويسة",  # locked in before, in Italy; fine now
    "ส่งหนูไปเที่ยวทะเลกับครอบครัว ไม่อยากไปเลย เบื่อ",  # a family trip
    "แม่จะส่งหนูไปต่างประเทศเรียนต่อ แต่ไม่อยากไป",  # mother sends me to study abroad
]


@pytest.mark.parametrize(("text", "cue"), ROUND5_HITS)
def test_round5_families_fire_in_unseen_wording(lexicon: DangerLexicon, text: str, cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue is cue, (text, hit)


@pytest.mark.parametrize("text", ROUND5_ORDINARY)
def test_round5_ordinary_does_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text


# Tagalog round 2 (tuned on bench/data/danger_dev/tl.yml): each family in wording the dev set does not have.
TL_ROUND2_HITS = [
    ("binugbog nila ko ulit kanina", Cue.DANGER),  # the short "ko" for "ako" after the doer
    ("nagtatago kami sa banyo, parating na si sir", Cue.DANGER),  # hiding now
    ("patawag ng ambulansya, di na humihinga yung kasama ko", Cue.DANGER),  # someone else not breathing
    ("gusto ko nang tapusin ang lahat", Cue.SELF_HARM),  # "ending it all"
    ("labing apat na taong gulang ako", Cue.CHILD),  # the age in words, with its linker
]

TL_ROUND2_ORDINARY = [
    "nagtatago ako kasi wala akong papeles",  # hiding for want of papers: the screening's, not danger now
    "nag lock ako ng pinto tuwing gabi",  # I lock my own door at night
    "gusto ko na matapos ang kontrata ko",  # the contract to end, not "it all"
    "may tanong ako tungkol sa binubugbog na kasambahay sa balita",  # a question about the news
    "nung 2021 ikinulong ako ng dating amo ko pero nakaalis na ako",  # a former employer, long over
]


@pytest.mark.parametrize(("text", "cue"), TL_ROUND2_HITS)
def test_tagalog_round2_families_fire(lexicon: DangerLexicon, text: str, cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and (hit.cue, hit.language) == (cue, "tl"), (text, hit)


@pytest.mark.parametrize("text", TL_ROUND2_ORDINARY)
def test_tagalog_round2_ordinary_does_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text


# Round 6 (tuned on bench/data/danger_tune6: lt tl ar pl ro pt): each family tried in wording the set does not have.
ROUND6_HITS = [
    # lt: short infinitives, threats to strangle or burn, hunted, taken to clients tonight, a stranger beating someone
    ("negaliu rasyt ilgai jis cia", Cue.DANGER),
    ("brigadininkas grasino pasmaugt kiekviena kas kalbes", Cue.DANGER),
    ("jie mus gaudo miske", Cue.DANGER),
    ("sianakt mane nuves pas klientus", Cue.DANGER),
    ("kazkas spardo mergina prie namo", Cue.DANGER),
    ("noreciau kad viskas pagaliau baigtusi", Cue.SELF_HARM),
    ("as 8 klasej dar", Cue.CHILD),
    # pl: pushed into a van, followed, "leje", a door broken in, a threat to beat, someone shut in, no ambulance
    ("wciagneli kolezanke do busa pod blokiem", Cue.DANGER),
    ("jakis facet jedzie za mna od sklepu", Cue.DANGER),
    ("wylamuja drzwi do pokoju", Cue.DANGER),
    ("brygadzista straszy ze nas zakopie", Cue.DANGER),
    ("szef nie pozwala dzwonic po karetke a on krwawi", Cue.DANGER),
    ("pocielam sie wczoraj i dzis tez chce", Cue.SELF_HARM),
    ("w maju skoncze 16", Cue.CHILD),
    # tl: forced to go with men tonight, thrown from a balcony, a threat to kill said, a bystander, no ambulance
    ("ngayong gabi pipilitin daw kami sumama sa mga customer", Cue.DANGER),
    ("ihahagis daw nya ako sa balkonahe", Cue.DANGER),
    ("sinasakal sya ng boyfriend nya sa labas", Cue.DANGER),
    ("ayaw nila tumawag ng ambulansya duguan sya", Cue.DANGER),
    ("sana hindi na ako magigising bukas", Cue.SELF_HARM),
    # ar: Arabizi, the Iraqi كتل, the police called now, sold, a child shut in
    ("howa 7abesna fi el makhzan", Cue.DANGER),
    ("راح يكتلنا الليله", Cue.DANGER),
    ("كلموا الشرطه بسرعه", Cue.DANGER),
    ("رح يبيعونا بكرا", Cue.DANGER),
    ("في بنت قافلين عليها بالغرفه", Cue.DANGER),
    ("بلعت علبه دوا كلها", Cue.SELF_HARM),
    ("السنه الجايه اكمل 17", Cue.CHILD),
    # pt: put in a van, followed, held on a farm, "tão atrás de nós", a girl dragged into a car
    ("me enfiaram numa van e tao rodando", Cue.DANGER),
    ("um homem ta me seguindo desde o metro", Cue.DANGER),
    ("estao atras de nos com faca", Cue.DANGER),
    ("a menina ta trancada no quarto do patrao", Cue.DANGER),
    ("to farta da vida", Cue.SELF_HARM),
    # ro: forced with clients tonight, set on fire, dragged into a van, a stranger beating a child
    ("la noapte ne trimit sa mergem cu clientii", Cue.DANGER),
    ("a zis ca ne da foc la toti", Cue.DANGER),
    ("un barbat loveste un copil in parcare", Cue.DANGER),
    ("anul viitor fac 17", Cue.CHILD),
]

ROUND6_ORDINARY = [
    "negaliu rasyt lietuviskai gerai",  # lt: "I can't write Lithuanian well"
    "pernai bosas grasino atleisti",  # lt: fired, not beaten, and last year
    "skocze do sklepu po chleb",  # pl: "I'll pop to the shop"
    "leje jak z cebra caly dzien",  # pl: it is pouring with rain
    "jak bylam mala mama mnie bila",  # pl: a childhood, told
    "pinapatay ako ng lamig dito sa denmark",  # tl: the cold "is killing me"
    "14 ako nung umalis ako sa pinas",  # tl: an age then, not now
    "لسا كملت 18 الشهر الماضي",  # ar: just turned 18
    "الشغل ده هيموتني",  # ar: "this job will kill me"
    "ماتت من الضحك",  # ar: died laughing
    "meu primo foi preso pela policia o que faco",  # pt: a cousin arrested: a question
    "cansei de viver aqui quero mudar de cidade",  # pt: tired of living here
    "imi dai un foc",  # ro: "give me a light"
    "ma omor dupa ciocolata",  # ro: "I adore chocolate"
    # a threat of a beating if I don't work, followed when I go out: the screening's cues (NLU cue_threatened,
    # cue_cannot_leave), not danger now
    "grozi ze mnie pobije jak nie skoncze",
    "jak wyjde z domu to ktos za mna idzie",
    "sabi ng amo sasaktan daw ako pag nagreklamo ako",
    "vercia eiti su klientais",
]


@pytest.mark.parametrize(("text", "cue"), ROUND6_HITS)
def test_round6_families_fire_in_unseen_wording(lexicon: DangerLexicon, text: str, cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue is cue, (text, hit)


@pytest.mark.parametrize("text", ROUND6_ORDINARY)
def test_round6_ordinary_does_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text


# "I am scared" alone, in every language: danger (112 and a person); with a reason it is a question. The NLU
# heard the bare words as danger in some languages only (ro, tl, vi), not at all in others (pl, bg, th).
SCARED_ALONE = {
    "ar": ("انا خايفه كتير", "انا خايف من الشرطة"), "bg": ("много ме е страх", "страх ме е от полицията"),
    "da": ("jeg er så bange", "jeg er bange for politiet"), "en": ("im so scared", "i am scared of the police"),
    "es": ("tengo mucho miedo", "tengo miedo de la policia"), "fr": ("j'ai trop peur", "j'ai peur de la police"),
    "lt": ("man labai baisu", "bijau policijos"), "pl": ("bardzo sie boje", "boje sie policji"),
    "pt": ("estou com muito medo", "tenho medo da policia"), "ro": ("mi-e foarte frica", "mi-e frica de politie"),
    "ru": ("мне очень страшно", "я боюсь полиции"), "th": ("หนูกลัวมาก", "หนูกลัวตำรวจ"),
    "tl": ("takot na takot ako", "takot ako sa pulis"), "uk": ("мені дуже страшно", "я боюся поліції"),
    "vi": ("em so qua", "em sợ công an"), "zh": ("我好害怕", "我害怕警察"),
}


def test_scared_alone_is_covered_in_every_language() -> None:
    assert set(SCARED_ALONE) == set(load_languages(CONTENT_DIR)[0])


@pytest.mark.parametrize(("language", "alone", "with_a_reason"), [(code, *pair) for code, pair in SCARED_ALONE.items()])
def test_i_am_scared_alone_is_danger_and_with_a_reason_is_not(lexicon: DangerLexicon, language: str, alone: str,
                                                               with_a_reason: str) -> None:
    assert lexicon.match(alone) == DangerHit(Cue.DANGER, language, "scared_alone")
    assert lexicon.match(with_a_reason) is None


def test_scared_alone_in_one_word(lexicon: DangerLexicon) -> None:
    assert lexicon.match("bange") == DangerHit(Cue.DANGER, "da", "scared_alone")  # found walking the chat as a person
    assert lexicon.match("scared") == DangerHit(Cue.DANGER, "en", "scared_alone")


# Round 16: watched, followed or listened to as a standing condition ("all the time", "everywhere", "when I go out",
# "through the phone", "with cameras") is the screening's indicator CD-03.watched (the NLU's cue_watched), not danger
# now; being followed or watched now still is. Some sentences are the NLU's cue_watched examples the lexicon heard as
# danger before round 16, the others are new wording.
WATCHED_STANDING = [
    # en
    "my boss wont let me out of his sight", "he wont let me out of his sight", "he is watching me all the time",
    "they are following me everywhere", "he is following me every time i go out", "they are listening to all my calls",
    "she is watching me on camera",
    # da
    "de holder øje med mig hele tiden", "de følger efter mig hvis jeg går ud", "de lytter til alle mine opkald",
    "jeg er aldrig alene de holder øje med mig", "hun holder øje med mig hver dag",
    "han følger efter mig overalt hvor jeg går", "de lytter med når jeg ringer",
    "han følger efter mig hver gang jeg går ud",
    # fr
    "ils me surveillent tout le temps", "il me suit partout", "il me suit quand je sors",
    "il y a des caméras et ils me surveillent", "ils écoutent tous mes appels", "il me suit à chaque fois que je sors",
    "ils me surveillent par les caméras", "elle me surveille tous les jours", "ils me suivent partout où je vais",
    # vi
    "họ theo dõi em suốt", "lúc nào cũng có người theo dõi em", "luc nao cung co nguoi di theo em",
    "chủ theo dõi em mỗi ngày", "họ theo dõi em qua điện thoại", "hễ em ra ngoài là có người đi theo em",
    "họ luôn theo dõi em", "có người đi theo em mọi nơi", "họ theo dõi em bằng camera",
    # zh
    "他们每天都跟踪我", "老板总是跟踪我", "我去哪里他都跟踪我",
    # ru (and typed in Latin letters)
    "следят за мной всегда", "они следят за мной через телефон", "они следят за мной каждый день",
    "когда я выхожу, за мной ходят", "они всегда следят за мной", "за мной ходят везде", "sledyat za mnoi vsegda",
    # the other languages whose rules heard the NLU's examples
    "بيلحقوني وين ما رحت", "следят ме навсякъде", "ако изляза, някой ме следи", "sledza mnie gdzie ide",
    "ma urmaresc peste tot unde merg", "daca ies, cineva vine dupa mine", "มีคนตามไปทุกที่",
    "sinusundan nila ako kahit saan", "стежать за мною завжди", "вони стежать за мною через телефон",
]
WATCHED_NOW = [
    # en
    "someone is following me right now", "a car is following me now", "he is outside my door watching",
    "they found me", "he is coming", "he is following me", "they are watching me right now",
    "cant talk he is listening", "he wont let me out",
    # da
    "nogen følger efter mig lige nu", "en bil følger efter mig nu", "han følger efter mig", "de har fundet mig",
    "han kommer nu", "de holder øje med mig lige nu", "jeg løb væk og de følger efter mig",
    # fr
    "quelqu'un me suit en ce moment", "une voiture me suit", "il me suit depuis la gare", "il me suit",
    "il est devant ma porte et me surveille", "il arrive",
    # vi
    "có người đang theo dõi em ngay bây giờ", "có xe đang bám theo em", "họ tìm thấy em rồi", "nó đang đến",
    "có người đi theo em", "hắn đang đứng ngoài cửa theo dõi em",
    # zh
    "有人在跟踪我", "现在有辆车跟着我", "他们找到我了", "他就在门外盯着我", "有人跟踪我",
    # ru (and typed in Latin letters)
    "за мной сейчас следят", "за мной следят", "меня преследует машина", "они меня нашли", "он идёт сюда",
    "они следят за мной", "za mnoi sledyat",
    # the other languages
    "في حدا عم يلحقني هلق من المحطة", "някой ме следи от гарата", "jakis typ mnie sledzi od dworca, boje sie",
    "cineva ma urmareste acum", "vine dupa mine", "มีคนตามฉันมา กลัวมากค่ะ", "sinusundan nila ako pauwi",
    "стежать за мною",
]


@pytest.mark.parametrize("text", WATCHED_STANDING)
def test_watched_or_followed_as_a_standing_condition_is_not_danger_now(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text


@pytest.mark.parametrize("text", WATCHED_NOW)
def test_followed_or_watched_now_is_danger(lexicon: DangerLexicon, text: str) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue is Cue.DANGER, (text, hit)


# A greeting in front ("hello, i am scared", "你好我很害怕") must not defeat the whole-message rules (^…$): the
# greetings of content/language/short_words.yml, one of them, with the punctuation after it, do not count.
GREETING_AND_SCARED = [
    ("hello, i am scared", "en"), ("bom dia, tenho medo", "pt"), ("bonjour jai peur", "fr"),
    ("labas as bijau", "lt"), ("你好 我很害怕", "zh"), ("hej jeg er bange", "da"), ("hola tengo miedo", "es"),
    ("你好我很害怕", "zh"), ("สวัสดีค่ะ ฉันกลัว", "th"), ("สวัสดีค่ะฉันกลัวมาก", "th"), ("مرحبا، انا خايفه كتير", "ar"),
    ("السلام عليكم انا خايف", "ar"), ("Привет! Мне очень страшно", "ru"), ("xin chào, em sợ quá", "vi"),
    ("kumusta po, takot na takot ako", "tl"), ("dzień dobry, bardzo się boję", "pl"),
    ("Good morning... I'm scared", "en"), ("privet, mne ochen strashno", "ru"),  # Cyrillic rules typed in Latin
]


@pytest.mark.parametrize(("text", "language"), GREETING_AND_SCARED)
def test_a_greeting_in_front_does_not_defeat_the_whole_message_rules(lexicon: DangerLexicon, text: str,
                                                                      language: str) -> None:
    assert lexicon.match(text) == DangerHit(Cue.DANGER, language, "scared_alone")


@pytest.mark.parametrize("text", [
    "hello, i am scared of the police?", "hello, i am scared of the police", "bom dia, tenho medo da policia",
    "你好 我害怕警察", "สวัสดีค่ะ หนูกลัวตำรวจ", "hello", "hi there!", "你好", "สวัสดีครับ", "مرحبا", "bonjour",
    "hello, how do i get my salary?", "hola, tengo una pregunta sobre mi contrato", "hej, hvor kan jeg sove i nat?",
    "привет, я боюсь полиции", "hello hello", "hi, i am 25",
])
def test_a_greeting_alone_or_with_a_question_does_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text


# Several greetings in a row, with punctuation between ("hi hi", "hello hello,"), and the greetings people type in
# several languages ("hey", "salut") or drawn out ("heyy", "hii") do not count either.
GREETINGS_AND_SCARED = [
    ("hi hi i am scared", "en"), ("hey, i am scared", "en"), ("heyy i am scared", "en"), ("hii, i am scared", "en"),
    ("hello! hi, hey... i am scared", "en"), ("salut, j'ai peur", "fr"), ("bonjour bonjour, j'ai peur", "fr"),
    ("salut salut jai peur", "fr"), ("slt, j'ai peur", "fr"), ("hola hola tengo miedo", "es"),
    ("hey, hola, tengo miedo", "es"), ("hej hej, jeg er bange", "da"), ("hejsa! hej. jeg er bange", "da"),
    ("مرحبا مرحبا انا خايف", "ar"), ("هاي، انا خايف", "ar"), ("السلام عليكم، مرحبا، انا خايف", "ar"),
    ("สวัสดีค่ะ สวัสดีค่ะ ฉันกลัว", "th"), ("สวัสดีค่ะสวัสดีค่ะฉันกลัว", "th"), ("หวัดดีจ้า ฉันกลัว", "th"),
]


@pytest.mark.parametrize(("text", "language"), GREETINGS_AND_SCARED)
def test_a_run_of_greetings_in_front_does_not_defeat_the_whole_message_rules(lexicon: DangerLexicon, text: str,
                                                                              language: str) -> None:
    assert lexicon.match(text) == DangerHit(Cue.DANGER, language, "scared_alone")


@pytest.mark.parametrize(("text", "alone"), [
    ("hello hello, help me", "help me"), ("hi hi hi, 15 years old", "15 years old"),
    ("hola, hola. nada tiene sentido", "nada tiene sentido"), ("hej hej hjælp", "hjælp"),
])
def test_a_run_of_greetings_in_front_is_heard_as_the_words_alone(lexicon: DangerLexicon, text: str,
                                                                  alone: str) -> None:
    assert lexicon.match(text) == lexicon.match(alone)


@pytest.mark.parametrize("text", [
    "hi hi", "hey", "hey!", "heyy", "hii", "salut", "salut salut", "hey hey hey", "hello, hi, hey!", "hej hej",
    "hola hola", "مرحبا مرحبا", "هاي", "สวัสดีค่ะ สวัสดีค่ะ", "หวัดดีจ้า", "hey, i am 25", "salut, ça va ?",
    "hey, i am scared of the police", "hola hola, tengo una pregunta",
])
def test_greetings_alone_or_with_a_question_do_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text


def test_a_greeting_in_front_of_other_whole_message_rules(lexicon: DangerLexicon) -> None:
    """Every category's whole-message rules, not only "scared": "hello, 15 years old" is a child."""
    assert lexicon.match("hello, 15 years old") == DangerHit(Cue.CHILD, "en", lexicon.match("15 years old").rule)
    assert lexicon.match("hi! emergency") == lexicon.match("emergency")
    assert lexicon.match("emergency") is not None
    assert lexicon.match("hola, nada tiene sentido") == lexicon.match("nada tiene sentido")
    assert lexicon.match("nada tiene sentido") is not None and lexicon.match("nada tiene sentido").cue == Cue.SELF_HARM


@pytest.mark.parametrize(("text", "words"), [
    ("Hello, I am SCARED!", "I am SCARED"), ("你好我很害怕", "你好我很害怕"), ("bom dia, tenho medo", "tenho medo"),
])
def test_heard_names_the_words_after_a_greeting(lexicon: DangerLexicon, text: str, words: str) -> None:
    assert lexicon.heard(text) == [(Cue.DANGER, words)]


# The NLU is asked about a message without its leading greetings (bot/gateway.py; walk 3: "السلام عليكم، …، ما
# يدفعوا لي" was read as "I cannot leave"): the words after them as typed, never normalised; a greeting alone, or
# one that is not in front, stays as it is.
@pytest.mark.parametrize(("text", "rest"), [
    ("السلام عليكم، عندي مشكلة في الشغل، ما يدفعوا لي", "عندي مشكلة في الشغل، ما يدفعوا لي"),
    ("السلام عليكم ما يدفعوا لي", "ما يدفعوا لي"), ("hi hi, they dont pay me", "they dont pay me"),
    ("Hiii!!! 👋 They don't PAY me", "They don't PAY me"), ("bonjour, mon patron garde mon passeport",
                                                          "mon patron garde mon passeport"),
    ("สวัสดีค่ะ นายจ้างไม่จ่ายเงินฉัน", "นายจ้างไม่จ่ายเงินฉัน"), ("สวัสดีค่ะนายจ้างไม่จ่ายเงินฉัน", "นายจ้างไม่จ่ายเงินฉัน"),
    ("你好，我很害怕", "我很害怕"), ("hej hej, jeg får ikke løn", "jeg får ikke løn"),
])
def test_without_greetings_is_the_rest_as_typed(lexicon: DangerLexicon, text: str, rest: str) -> None:
    assert lexicon.without_greetings(text) == rest


@pytest.mark.parametrize("text", [
    "hello", "hi hi!", "السلام عليكم", "bonjour 👋", "สวัสดีค่ะ", "你好", "they dont pay me, hi", "", "   ", "?",
    "hi " * 100 + "they dont pay me",  # a run longer than MAX_GREETING_CHARS: as typed
])
def test_without_greetings_keeps_a_greeting_alone_or_not_in_front(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.without_greetings(text) == text


# Round 17 (tuned on bench/data/danger_tune16: es fr lt pl ru tl): each family tried in wording the tuning set does
# not use; every hit here was missed (or heard as another cue) by the lexicon before round 17. Families: "he is
# here / coming up", legs or arms to be broken, thrown overboard and "the next one is me", beaten to death or
# "till he stopped moving", dogs set on whoever runs, locked in without food or water as a punishment, burnt with a
# cigarette, followed from the station, a threat against the mother (ru); a farewell ("tell mum I love her",
# "I won't be here"), "if I die the debt is gone", poison "not for the rats", pills "all at once", "no one will
# miss me"; "mag 16 pa lang ako" (tl). The near misses are the lateness idiom with "again" (an urgent word), the
# news, not let out of work until the shift ends, and ordinary words beside the new families.
ROUND17_HITS = [
    ('ya volvio, esta en la escalera', Cue.DANGER),
    ('ellos estan subiendo por la escalera', Cue.DANGER),
    ('dijo que me va a romper los brazos si no pago', Cue.DANGER),
    ('a mi compa lo aventaron al mar anoche', Cue.DANGER),
    ('la siguiente soy yo, ayudenme', Cue.DANGER),
    ('a mi companero lo agarraron a patadas', Cue.DANGER),
    ('lo mataron a palos en la finca', Cue.DANGER),
    ('si no vendo me encierran dos dias sin comer', Cue.DANGER),
    ('il va me peter les dents si je paie pas', Cue.DANGER),
    ('ils ont balance un marin par dessus bord', Cue.DANGER),
    ('la prochaine ce sera moi', Cue.DANGER),
    ('le patron nous brule avec des cigarettes', Cue.DANGER),
    ('jie jau prie duru', Cue.DANGER),
    ('jis sulauzys mums pirstus', Cue.DANGER),
    ('kapitonas nustume ji per borta', Cue.DANGER),
    ('kitas busiu as, jis taip sake', Cue.DANGER),
    ('kas pabegs tas mirs', Cue.DANGER),
    ('ona juz tu jest, wchodzi', Cue.DANGER),
    ('juz wchodzi na gore', Cue.DANGER),
    ('wyrzucili kolege za burte', Cue.DANGER),
    ('ja jestem nastepna', Cue.DANGER),
    ('parzy nas zelazkiem', Cue.DANGER),
    ('idzie za mna jakis facet od przystanku', Cue.DANGER),
    ('zamykaja nas bez jedzenia', Cue.DANGER),
    ('она уже в подъезде', Cue.DANGER),
    ('хозяйка закрыла меня в кладовке', Cue.DANGER),
    ('они прижигали мне руки окурками', Cue.DANGER),
    ('сказал сделает больно моей дочке', Cue.DANGER),
    ('за мной от метро идут двое', Cue.DANGER),
    ('запирают в подвале без воды', Cue.DANGER),
    ('oni uzhe pod dveryu', Cue.DANGER),
    ('papasok na sila tulong', Cue.DANGER),
    ('pag uwi nya patay na ako', Cue.DANGER),
    ('babaliin daw nila kamay ko', Cue.DANGER),
    ('pinalo nila sya hanggang di na makatayo', Cue.DANGER),
    ('pinakawalan nila yung mga aso', Cue.DANGER),
    ('diganle a mis hijos que los amo', Cue.SELF_HARM),
    ('si ya no estoy se acaba la deuda', Cue.SELF_HARM),
    ('compre veneno pero no es para los ratones', Cue.SELF_HARM),
    ("j'ai des somniferes, je vais les avaler tous", Cue.SELF_HARM),
    ('personne ne va me pleurer', Cue.SELF_HARM),
    ('la dette sera effacee si je meurs', Cue.SELF_HARM),
    ('manes greit nebebus', Cue.SELF_HARM),
    ('ir vel susirezau giliai', Cue.SELF_HARM),
    ('jei nusizudysiu skolos dings', Cue.SELF_HARM),
    ('powiedz mamie ze ja kocham', Cue.SELF_HARM),
    ('jak umre to dlug sie skonczy', Cue.SELF_HARM),
    ('если меня не станет семья будет свободна', Cue.SELF_HARM),
    ('walang makakamiss sa akin', Cue.SELF_HARM),
    ('pakisabi sa mama ko sorry', Cue.SELF_HARM),
    ('kung mamatay ako wala na utang', Cue.SELF_HARM),
    ('mag 16 pa lang ako sa december', Cue.CHILD),
]
ROUND17_ORDINARY = [
    'el siguiente soy yo en la fila del banco',
    'me rompi la pierna jugando futbol, me pagan la baja?',
    'tiramos la basura al mar, es legal?',
    'me van a matar si llego tarde otra vez xd',
    'ya no voy a estar en este trabajo el mes que viene',
    'compre veneno para las ratas del almacen, es peligroso?',
    'los precios estan subiendo',
    'me mata no tener noticias de mi familia',
    "il m'a casse les pieds toute la journee",
    "on jette les dechets a la mer, c'est legal?",
    "le suivant c'est moi dans la file",
    'jis jau cia gyvena du metus',
    'issipjoviau pirsta virtuveje',
    'manes nebebus darbe rytoj',
    'as busiu kitas eileje',
    'neleidzia iseiti is darbo kol nepabaigiam uzsakymo',
    'skaiciau naujienose apie prekyba zmonemis, kur kreiptis?',
    'bosas sulauzys man galva jei pavėluosiu haha',
    'oni juz tu sa od roku',
    'wyrzucamy smieci do morza czy to legalne',
    'oparzylam sie zelazkiem w pracy',
    'jestem nastepna w kolejce',
    'mnie juz nie bedzie w pracy jutro',
    'szef mnie zabije jak sie znowu spoznie haha',
    'czytalam w wiadomosciach ze zamkneli ludzi w kontenerze, co robic w takiej sytuacji',
    'он уже тут три года работает',
    'он уже тут давно живет',
    'если умру, кто получит мою зарплату?',
    'paakyat na sila sa bundok bukas',
    'mag 17 na anak ko',
    'nandito na sila sa denmark',
    'papatayin ako ng amo kung late ulit ako haha',
    'nakanood ako ng movie na may kinidnap, totoo ba yun?',
]


@pytest.mark.parametrize(("text", "cue"), ROUND17_HITS)
def test_round17_families_fire_in_unseen_wording(lexicon: DangerLexicon, text: str, cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue is cue, (text, hit)


@pytest.mark.parametrize("text", ROUND17_ORDINARY)
def test_round17_ordinary_does_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text


# Round 18 (tuned on bench/data/danger_tune17: da en pt ru uk vi): each family tried in wording the tuning set does
# not use; every hit here was missed (or heard as another cue) by the lexicon before round 18, and every ordinary
# message fired before. Families: "she's here" as a whole message, fingers or legs to be broken, pushed overboard and
# "I am the next one", "not breathing / not waking up", "or he will drown you", a threat to post the videos, moved
# abroad in a container, dragged into a car, locked in from outside, a threat to a daughter (da), burnt with a
# cigarette or an iron, hiding, buried alive (vi); pills saved "for tonight", a farewell ("tell my kids I love them"),
# "if I'm gone the debt is paid", on a bridge or a roof, the quickest way to end it. The ordinary ones: the lateness
# idiom with "again", not let go until the work is done or without the boss (the screening's cue), "not an
# emergency", a series or a film told, a threat "he was joking", a form question after "socorro", "thanks for saving
# me", someone else's "turned 16", a threat to sack. Also a girl held in a basement (uk) and "someone was
# killed" (vi), bystanders' words, with a series or the news before them taken back.
ROUND18_HITS = [
    ("she's here already", Cue.DANGER),
    ('he said he gonna break my fingers if i dont pay', Cue.DANGER),
    ('they pushed a sick man overboard last night', Cue.DANGER),
    ('maybe i am the next one', Cue.DANGER),
    ('work harder or he will drown you', Cue.DANGER),
    ('he is going to post the photos if i leave', Cue.DANGER),
    ('i saved all my sleeping pills for tonight', Cue.SELF_HARM),
    ('please tell my kids i love them', Cue.SELF_HARM),
    ('if im gone the loan is paid', Cue.SELF_HARM),
    ('i am standing on the roof right now', Cue.SELF_HARM),
    ('naeste er mig', Cue.DANGER),
    ('de kastede en dreng over bord', Cue.DANGER),
    ('han har en machete og står ved døren', Cue.DANGER),
    ('jeg tor ikke tage hjem i nat', Cue.DANGER),
    ('hvis jeg er død er gælden betalt', Cue.SELF_HARM),
    ('ele disse que vai partir os meus dedos', Cue.DANGER),
    ('a proxima sou eu, eu serei a proxima', Cue.DANGER),
    ('atiraram o rapaz pela borda', Cue.DANGER),
    ('o patrao queimou o meu braço com o ferro', Cue.DANGER),
    ('querem nos mandar pra outra cidade escondidas num contentor', Cue.DANGER),
    ('diga a minha filha que eu peco perdao', Cue.SELF_HARM),
    ('se eu me matar a divida some, a familia fica livre', Cue.SELF_HARM),
    ('estou no alto da ponte', Cue.SELF_HARM),
    ('меня вывезут за границу ночью', Cue.DANGER),
    ('ya na kryshe seichas', Cue.SELF_HARM),
    ('він переламає мені пальці', Cue.DANGER),
    ('дівчат перевезуть через кордон', Cue.DANGER),
    ('передайте мамі що я люблю її', Cue.SELF_HARM),
    ('якщо мене не стане борг закриють', Cue.SELF_HARM),
    ('я на даху зараз', Cue.SELF_HARM),
    ('no doa danh gay tay em', Cue.DANGER),
    ('tui no quang thang nho xuong song', Cue.DANGER),
    ('chac toi la nguoi ke tiep', Cue.DANGER),
    ('ban em van chua tinh lai', Cue.DANGER),
    ('cua bi khoa o ben ngoai roi', Cue.DANGER),
    ('nhan voi bo me la con xin loi', Cue.SELF_HARM),
    ('neu toi chet thi no se het', Cue.SELF_HARM),
    ('tha tu tu con hon', Cue.SELF_HARM),
    ('toi dang o tren san thuong', Cue.SELF_HARM),
    ('жінку тримали в підвалі', Cue.DANGER),
    ('dong nghiep bi giet tren tau', Cue.DANGER),
    ('thang be bi ban chet', Cue.DANGER),
]
ROUND18_ORDINARY = [
    'they dont let us leave the farm before the work is done',
    'we cant go out of the flat without asking the boss',
    'they threatened to sack me if i talk to the press',
    'my niece turned 16 last week, can she work?',
    'det her arbejde slår mig ihjel',
    'de lader os ikke gaa fra garden indtil vi er færdige',
    'i serien kidnappede de en pige, er det sådan i virkeligheden?',
    'socorro como faço pra preencher o pedido de cpr',
    'a serie tinha um homem preso num porao',
    'meu patrao disse q me mata se eu chegar tarde, tava brincando',
    'nao consigo sair desse contrato',
    'nao podemos sair do quarto sem o patrao',
    "шеф мене вб'є якщо знову спізнюсь",
    'не відпускають додому поки зміна не скінчиться',
    "він пожартував що вб'є мене",
    'ko cho ve truoc khi xong ca',
    'cam on chi da cuu em mot ban thua',
    'trong phim co co gai bi nhot, so qua',
    'sep doa giet em neu em lam vo ly nua, gion thoi',
]


@pytest.mark.parametrize(("text", "cue"), ROUND18_HITS)
def test_round18_families_fire_in_unseen_wording(lexicon: DangerLexicon, text: str, cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue is cue, (text, hit)


@pytest.mark.parametrize("text", ROUND18_ORDINARY)
def test_round18_ordinary_does_not_fire(lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None, text
