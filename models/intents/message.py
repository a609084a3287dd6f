"""What text of a message the intent classifier reads: the request line and its payload.

Only the first line of a message is the request; lines after it (or a quoted lyric) are a
payload such as lyrics. The router and the classifier's training read messages the same way,
so this lives with the classifier.
"""

from __future__ import annotations

import re

QUOTED_TITLE = re.compile(r"(?<!\w)'([^'\n]{2,80})'(?!\w)|[\"“]([^\"”\n]{2,80})[\"”]")
LYRIC_WORDS = re.compile(r"\b(lyrics?|words|verses?|for them|to them|song text)\b", re.I)
LYRIC_CUE = re.compile(r"\b(lyrics?|words|lines?|verses?|feels?|feeling|mood|emotions?)\b", re.I)
DESCRIBED = re.compile(r"^([^:\n]{3,60}?):\s+(?=(?:\S+\s+){7})", re.S)
QUOTED = re.compile(r"[\"“]([^\"”]{12,})[\"”]")
# "mood of this line: the streetlights hum my name": a request naming words, then the words on
# the same line after its colon (two words at least; a file name is not words), its question
# mark or a dash (three words at least): "what's the feel of this line? we were rich in time".
INLINE = re.compile(
    r"^(?P<head>[^:?\n]{1,100}?)(?P<sep>:|\?|\s+[—–-]\s+)\s*(?P<body>\S+(?:\s+\S+)+)\s*$"
)
WORDS_NOUN = re.compile(r"\b(?:lyrics?|words|lines?|verses?|couplet|chorus|song text|hook|rhymes|"
                        r"(?:these|my|those|the|some) bars)\b", re.I)  # fmt: skip
FEELING = re.compile(r"\b(?:feel|feeling|emotions?|emotionally|mood|vibe|attitude|tone)\b", re.I)
POINTED = re.compile(r"\b(?:this|these|the following)\s*$|\b(?:this|these)\b|\b(?:in|of|on)\s*$",
                     re.I)  # fmt: skip
MAKING = re.compile(r"\b(?:write|make|compose|create|produce|give me|gimme|generate)\b", re.I)
BARE_VERB = re.compile(r"^\s*(?:pls\s+|please\s+)?(?:analy[sz]e|read|check|rate|judge)\s*$", re.I)


def read_message(text: str) -> tuple[str, str | None, re.Match[str] | None, str]:
    """(request, payload, quoted lyric, the text to classify) of a message.

    A quoted lyric is judged by what is asked about it, not by what it says; a quoted title
    ("who would like 'Kitchen Door Reel'?") becomes "the song", as its words say nothing of
    the intent.
    """
    text, payload = split_payload(text)
    quoted = QUOTED.search(text) if payload is None else None
    probe = f'{text[: quoted.start()]}"these words"{text[quoted.end() :]}' if quoted else text
    if quoted and not LYRIC_CUE.search(text[: quoted.start()] + text[quoted.end() :]):
        quoted, probe = None, text  # a quoted title, not lyrics
    if not quoted and (title := QUOTED_TITLE.search(probe)):
        probe = f"{probe[: title.start()]}the song{probe[title.end() :]}"
    if described := DESCRIBED.match(probe):
        # "make a track like this: <a long description>": the request is before the colon.
        probe = described.group(1)
    return text, payload, quoted, probe


def split_payload(text: str) -> tuple[str, str | None]:
    """(request, pasted text): the lines after the first are a payload such as lyrics.

    Only the request is classified and searched for slots, so a sad lyric does not make a
    request sad, and "piano" in a verse does not pick an instrument.
    """
    head, sep, rest = text.strip().partition("\n")
    if sep and rest.strip():
        lines = [r for r in rest.splitlines() if r.strip()]
        if head.rstrip().endswith(":") or len(lines) >= 2 or LYRIC_WORDS.search(head):
            return head.strip(), rest.strip("\n")
        text = " ".join(text.split())
    if (inline := _inline(text.strip())) and not _is_path(inline.group("body")):
        body = inline.group("body")
        if len(body) > 2 and body[0] in "\"“'" and body[-1] in "\"”'":  # quoted words
            body = body[1:-1].strip()
        return inline.group("head").strip() + ":", body  # as if pasted on the next line
    return text, None


CHORD = re.compile(r"(?:[A-G][#b♯♭]?[\w#b+°ø/()-]*|[ivIV]+[\w°ø+]*|\||%|-)")


def _is_path(body: str) -> bool:
    """A file name or a chord progression after the colon is the request's, not words."""
    if re.fullmatch(r"\S+\.(?:txt|lrc|mid|midi|wav|mp3)", body.strip(), re.I):
        return True
    return all(CHORD.fullmatch(token) for token in body.replace(",", " ").split())


def _inline(text: str) -> re.Match[str] | None:
    """The request and its words on one line, when the request points at words."""
    m = INLINE.match(text)
    if not m:
        return None
    head, colon = m.group("head"), m.group("sep") == ":"
    if not colon and len(m.group("body").split()) < 3:
        return None
    names_words = WORDS_NOUN.search(head) and (colon or POINTED.search(head))
    feeling = FEELING.search(head) and POINTED.search(head) and not MAKING.search(head)
    return m if names_words or feeling or (colon and BARE_VERB.match(head)) else None
