"""Is a lyric line English? The models were trained on English only, so say so, don't guess.

Two cheap signals: the script of the letters (Cyrillic, CJK, Arabic... are not English), and for
Latin-script text the function words of English against those of the common European languages.
A line with no function words at all ("oh, oh, yeah") counts as English: nothing says otherwise.
"""

from __future__ import annotations

import re
import unicodedata

ENGLISH = frozenset(
    """a about after again all am an and any are as at be because been before but by can could
    did do does don't down for from get got had has have he her here him his how i i'm if in
    into is isn't it it's its just know like me my myself never no not now of off on once one
    only or our out over she so some still than that the their them then there these they this
    those through to too under up us was we were what when where which while who why will with
    won't would you you're your yours yourself tonight gonna wanna baby love heart feel night""".split()  # noqa: SIM905
)
OTHERS = {
    "Spanish": "el la los las de del que y en un una por con para es no te mi tu yo pero como "
    "más porque cuando quiero corazón amor noche vida siempre nunca estoy eres",
    "French": "le la les des du de et un une est je tu il elle nous vous pas que qui dans pour "
    "sur avec mon ma mes ton ta ce cette mais suis c'est j'ai toujours jamais amour coeur",
    "German": "der die das und ist ich du nicht ein eine zu mit sich auf für dem den mein dein "
    "wir ihr sie es bin bist aber wenn noch immer nie liebe herz nacht",
    "Italian": "il lo la gli le di che e è un una per con non sono mi ti io tu mio mia del della "
    "nel ma come quando sempre amore cuore notte",
    "Portuguese": "o a os as de do da que e um uma não com por para eu você meu minha é está "
    "mas quando sempre nunca amor coração noite",
    "Dutch": "de het een en van ik je niet is dat op te zijn met voor maar mijn jij wij",
}
OTHER_WORDS = {lang: frozenset(words.split()) for lang, words in OTHERS.items()}
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
NON_LATIN = ("CYRILLIC", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC", "HEBREW", "GREEK",
             "DEVANAGARI", "THAI", "BENGALI", "TAMIL", "ARMENIAN", "GEORGIAN", "ETHIOPIC")  # fmt: skip


def script_of(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for script in NON_LATIN:
        if name.startswith(script):
            return script.title()
    return "Latin" if "LATIN" in name else "other"


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def language_of(text: str) -> str:
    """'English', another language or script name, or 'none' when there are no letters."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "none"
    scripts: dict[str, int] = {}
    for ch in letters:
        s = script_of(ch)
        scripts[s] = scripts.get(s, 0) + 1
    main = max(scripts, key=scripts.__getitem__)
    if main in ("Cjk", "Hiragana", "Katakana"):
        return "Japanese" if {"Hiragana", "Katakana"} & set(scripts) else "Chinese"
    if main not in ("Latin", "other"):
        return {"Hangul": "Korean"}.get(main, main)
    words = [w.lower().replace("’", "'") for w in WORD.findall(text)]
    en = sum(w in ENGLISH for w in words)
    best_lang, best = "English", 0
    for lang, vocab in OTHER_WORDS.items():
        hits = sum(w in vocab and w not in ENGLISH for w in words)
        if hits > best:
            best_lang, best = lang, hits
    if best >= 2 and best > en:
        return best_lang
    if best == 1 and en == 0 and len(words) <= 4:
        return best_lang
    return "English"
