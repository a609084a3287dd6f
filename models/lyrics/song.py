"""A song's lyrics, line by line: sections, emotions per line/section/song, the arc, the why.

Sections come from the lyrics' own headers ("[Chorus]", "Verse 2:") when there are any, else
from blank lines; a block whose lines come back elsewhere is the chorus, a one-off block between
two choruses late in the song is the bridge, the rest are verses. Without blank lines or
headers, a run of two or more lines that repeats marks the chorus, and the remaining lines are
cut into four-line verses. `.lrc` timestamps are kept with their lines; metadata tags dropped.

Section and song figures are means over their lines (a chorus sung three times counts three
times, as a listener hears it).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from models.errors import LyricError
from models.lyrics.heads import Emotions, quadrant_of
from models.lyrics.language import ENGLISH, has_letters, language_of

MAX_BYTES = 100_000  # about 2,000 lines: far past any song
MAX_LINES = 2_000
LRC_TIME = re.compile(r"\[(\d{1,3}):(\d{1,2}(?:[.:]\d{1,3})?)\]")
LRC_TAG = re.compile(r"^\[(ar|ti|al|au|by|re|ve|length|offset|#)\s*:.*\]$", re.I)
HEADER = re.compile(
    r"^\s*[\[(]?\s*(intro|verse|pre[- ]?chorus|chorus|refrain|hook|bridge|outro|interlude|"
    r"breakdown|post[- ]?chorus)(?:\s*(\d+))?\s*(?::|[\])]|\s*-)?\s*(?:[x×]\s*\d+)?\s*[\])]?\s*:?\s*$",
    re.I,
)
# Function words never count as the words that drive a feeling (negations and charged words do).
FUNCTION_WORDS = (ENGLISH | {
    "every", "ever", "each", "more", "much", "very", "really", "such", "own", "same", "other",
    "another", "should", "might", "must", "shall", "may", "till", "until", "though", "yet",
    "also", "even", "s", "t", "ll", "re", "ve", "d", "m",
}) - {"never", "no", "not", "won't", "baby", "love", "heart", "feel", "night", "tonight",
      "down", "alone"}  # fmt: skip


class Model(Protocol):
    name: str

    def analyse(self, texts: list[str]) -> Emotions: ...


@dataclass
class Line:
    text: str
    section: int
    time: float | None = None
    language: str = "English"


@dataclass
class Section:
    name: str
    kind: str  # verse, chorus, bridge, intro, outro...
    lines: list[int] = field(default_factory=list)


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw.replace("\ufeff", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def _norm(line: str) -> str:
    return re.sub(r"[^\w]+", " ", line.lower()).strip()


def check_size(raw: str) -> None:
    size = len(raw.encode("utf-8", "replace"))
    if size > MAX_BYTES:
        raise LyricError(
            f"That is {size / 1e6:.1f} MB of text, far more than a song; the limit is "
            f"{MAX_BYTES // 1000} KB (about {MAX_LINES:,} lines). Give me one song at a time."
        )


def parse(raw: str) -> tuple[list[Line], list[Section]]:
    """Lines (with their section) and sections, from pasted text or a .txt/.lrc file's text."""
    check_size(raw)
    blocks: list[tuple[str | None, list[tuple[str, float | None]]]] = [(None, [])]
    for row in _clean(raw).split("\n"):
        stripped = row.strip()
        if LRC_TAG.match(stripped):
            continue
        time = None
        if m := LRC_TIME.match(stripped):
            minutes, seconds = m.groups()
            time = int(minutes) * 60 + float(seconds.replace(":", "."))
            stripped = LRC_TIME.sub("", stripped).strip()
        if h := HEADER.match(stripped):
            blocks.append((h.group(1).lower().replace(" ", "-"), []))
        elif not stripped:
            if blocks[-1][1]:
                blocks.append((None, []))
        else:
            blocks[-1][1].append((stripped, time))
    blocks = [b for b in blocks if b[1]]
    if not blocks:
        raise LyricError("There are no lyrics in that: it is empty.")
    if sum(len(b[1]) for b in blocks) > MAX_LINES:
        raise LyricError(f"That has more than {MAX_LINES:,} lines; give me one song at a time.")
    if len(blocks) == 1 and blocks[0][0] is None and len(blocks[0][1]) > 8:
        blocks = _split_by_repeats(blocks[0][1])
    kinds = _label(blocks)
    lines: list[Line] = []
    sections: list[Section] = []
    counts: Counter[str] = Counter()
    n_of_kind = Counter(kinds)
    for (_, rows), kind in zip(blocks, kinds, strict=True):
        counts[kind] += 1
        name = kind if n_of_kind[kind] == 1 or kind == "chorus" else f"{kind} {counts[kind]}"
        section = Section(name, kind)
        for text, time in rows:
            section.lines.append(len(lines))
            lines.append(Line(text, len(sections), time, language_of(text)))
        sections.append(section)
    if not any(has_letters(line.text) for line in lines):
        raise LyricError(
            "I found no words in that, only symbols or emoji; paste the lyrics as text."
        )
    return lines, sections


def _split_by_repeats(rows: list[tuple[str, float | None]]):
    """One block without blank lines: a repeated run of 2+ lines is the chorus."""
    norms = [_norm(t) for t, _ in rows]
    counts = Counter(norms)
    blocks: list[tuple[str | None, list]] = []
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and counts[norms[j]] > 1 and norms[j]:
            j += 1
        if j - i >= 2:
            blocks.append(("chorus", rows[i:j]))
            i = j
            continue
        start = i
        while i < len(rows) and not (
            counts[norms[i]] > 1 and i + 1 < len(rows) and counts[norms[i + 1]] > 1
        ):
            i += 1
            if i - start == 4:
                break
        if i == start:  # a lone repeated line
            i += 1
        blocks.append((None, rows[start:i]))
    return blocks


def _label(blocks) -> list[str]:
    kinds: list[str | None] = [name for name, _ in blocks]
    kinds = ["chorus" if k in ("refrain", "hook") else k for k in kinds]
    if all(k is None for k in kinds):
        sets = [{_norm(t) for t, _ in rows} - {""} for _, rows in blocks]
        for i, s in enumerate(sets):
            again = any(len(s & o) >= max(1, 0.6 * len(s)) for j, o in enumerate(sets) if j != i)
            if again:
                kinds[i] = "chorus"
        choruses = [i for i, k in enumerate(kinds) if k == "chorus"]
        if len(choruses) >= 3:
            for i in range(choruses[1] + 1, choruses[-1]):
                if kinds[i] is None:
                    kinds[i] = "bridge"
    return [k or "verse" for k in kinds]


# --- analysis -----------------------------------------------------------------------------------


WORD_SPAN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def explain(
    model: Model, texts: list[str], em: Emotions, rows: list[int] | None = None
) -> list[list[tuple[str, float]]]:
    """Per text, (word, weight): how much the line's strongest emotion drops without the word.

    Occlusion: each word is removed in turn and the line read again (one batch for all lines).
    Lines with no emotion over its threshold (plain neutral lines) have nothing to explain, and
    only `rows` are explained when given (the others get no words).
    Function words are not reported; negations and charged words ("never", "love") are.
    """
    variants: list[str] = []
    plan: list[tuple[int, int, str]] = []  # (line, target label, word)
    for i in range(len(texts)) if rows is None else rows:
        text = texts[i]
        target = em.target(i)
        if target is None:
            continue
        for m in WORD_SPAN.finditer(text):
            if m.group().lower() in FUNCTION_WORDS:
                continue
            variants.append((text[: m.start()] + text[m.end() :]).strip() or ".")
            plan.append((i, target, m.group()))
    out: list[list[tuple[str, float]]] = [[] for _ in texts]
    if not variants:
        return out
    reread = model.analyse(variants)
    for k, (i, target, word) in enumerate(plan):
        drop = float(em.go[i, target] - reread.go[k, target])
        if drop > 0.02:
            out[i].append((word, round(drop, 3)))
    return [sorted(pairs, key=lambda p: -p[1]) for pairs in out]


def _summary(em: Emotions, idx: list[int], words: list[list[tuple[str, float]]]) -> dict[str, Any]:
    """Means over the lines `idx`; emotions ranked without neutral (its share is given apart);
    the circumplex point weights each line by its emotional charge."""
    from models.lyrics.data import EKMAN_LABELS, GO_LABELS, POEM_LABELS

    go = em.go[idx].mean(0)
    ekman = em.ekman[idx].mean(0)
    senti = em.sentiment[idx].mean(0)
    va = em.va[idx].mean(0)
    w = em.weight[idx]
    v, a = (em.circumplex[idx] * w[:, None]).sum(0) / w.sum()
    top = [(GO_LABELS[j], round(float(go[j]), 3)) for j in np.argsort(-go[:-1])[:3]]
    drivers: Counter[str] = Counter()
    for i in idx:
        for word, weight in words[i] if words else ():
            drivers[word.lower()] += weight
    return {
        "top_emotions": [{"emotion": e, "p": p} for e, p in top],
        "neutral": round(float(go[-1]), 3),
        "ekman": {EKMAN_LABELS[j]: round(float(ekman[j]), 3) for j in np.argsort(-ekman)[:3]},
        "sentiment": POEM_LABELS[int(np.argmax(senti))],
        "valence": round(float(va[0]), 2),
        "arousal": round(float(va[1]), 2),
        "circumplex": [round(float(v), 2), round(float(a), 2)],
        "quadrant": quadrant_of(float(v), float(a)),
        "words": [w for w, _ in drivers.most_common(5)],
    }


Words = list[list[tuple[str, float]]]  # per line, the (word, weight) pairs that drive its feeling


def _english_lines(lines: list[Line]) -> list[int]:
    """The lines the model can read; a song with none is refused rather than guessed at."""
    english = [
        i for i, line in enumerate(lines) if line.language == "English" and has_letters(line.text)
    ]
    if not english:
        found = Counter(line.language for line in lines if line.language not in ("English", "none"))
        lang = found.most_common(1)[0][0] if found else "another language"
        raise LyricError(
            f"These lyrics look like {lang}. Only English is supported so far, so I won't guess "
            "at what they feel like."
        )
    return english


SHOWN_LINES = 40  # the lines the reply's table shows (preview.line_table's limit)
DRIVING_LINES = 24  # the most charged lines, whose words make the song's "words doing the most work"


def explained_rows(texts: list[str], row_of: dict[str, int], read: Emotions) -> list[int]:
    """The distinct lines worth explaining: those the reply shows (the first SHOWN_LINES) and
    the DRIVING_LINES most charged ones (the song summary's words); all of a short song."""
    shown = {row_of[t] for t in texts[:SHOWN_LINES]}
    charged = np.argsort(-read.weight, kind="stable")[:DRIVING_LINES]
    return sorted(shown | {int(k) for k in charged})


def _read_once(model: Model, texts: list[str], explain_words: bool) -> tuple[Emotions, Words]:
    """Readings (and driving words) for `texts`, each distinct text read once: a chorus sung
    three times costs one reading but still counts three times. Words are found for the lines
    the reply shows and the most charged ones (`explained_rows`), in one batch."""
    row_of = {text: k for k, text in enumerate(dict.fromkeys(texts))}
    distinct = list(row_of)
    read = model.analyse(distinct)
    first_words = (explain(model, distinct, read, explained_rows(texts, row_of, read))
                   if explain_words else [[] for _ in distinct])  # fmt: skip
    pick = [row_of[text] for text in texts]
    em = Emotions(read.go[pick], read.ekman[pick], read.sentiment[pick], read.va[pick],
                  read.go_thresholds, read.ekman_thresholds, read.centre)  # fmt: skip
    return em, [first_words[j] for j in pick]


def _line_entries(
    lines: list[Line], sections: list[Section], em: Emotions, words: Words, where: dict[int, int]
) -> list[dict[str, Any]]:
    """One entry per line of the sheet: its reading (row `where[i]` of `em`) or why it has none."""
    circ = em.circumplex
    out_lines = []
    for i, line in enumerate(lines):
        entry: dict[str, Any] = dict(n=i + 1, text=line.text, section=sections[line.section].name)
        if line.time is not None:
            entry["time"] = round(line.time, 2)
        if i in where:
            r = where[i]
            entry.update(
                top_emotions=[{"emotion": e, "p": round(p, 3)} for e, p in em.top_emotions(r)],
                valence=round(float(em.va[r, 0]), 2),
                arousal=round(float(em.va[r, 1]), 2),
                circumplex=[round(float(circ[r, 0]), 2), round(float(circ[r, 1]), 2)],
                quadrant=em.quadrant(r),
                sentiment=em.sentiment_label(r),
                words=[w for w, _ in words[r][:3]],
            )
        else:
            entry["skipped"] = (
                f"not English ({line.language})" if line.language != "none" else "no words"
            )
        out_lines.append(entry)
    return out_lines


def _section_entries(
    sections: list[Section], em: Emotions, words: Words, where: dict[int, int]
) -> list[dict[str, Any]]:
    """Each section's name, kind and line numbers, and the summary of its read lines."""
    out_sections = []
    for s in sections:
        rows = [where[i] for i in s.lines if i in where]
        item: dict[str, Any] = {"name": s.name, "kind": s.kind, "lines": [i + 1 for i in s.lines]}
        if rows:
            item.update(_summary(em, rows, words))
        out_sections.append(item)
    return out_sections


def _arc(em: Emotions) -> dict[str, list[float]]:
    """Valence and arousal (circumplex, -1..1) of each read line in order: the song's arc."""
    columns = {"valence": em.circumplex[:, 0], "arousal": em.circumplex[:, 1]}
    return {name: [round(float(x), 2) for x in column] for name, column in columns.items()}


def analyse(raw: str, model: Model, explain_words: bool = True) -> dict[str, Any]:
    """The full reading: `lines`, `sections`, `song`, `arc`, and which lines were skipped.

    Each distinct line is read once (a chorus sung three times costs one reading) and counts
    as often as it is sung.
    """
    lines, sections = parse(raw)
    english = _english_lines(lines)
    em, words = _read_once(model, [lines[i].text for i in english], explain_words)
    where = {line_no: row for row, line_no in enumerate(english)}
    out_lines = _line_entries(lines, sections, em, words, where)
    song = _summary(em, list(range(len(english))), words)
    song.update(lines=len(lines), sections=len(sections))
    return {
        "model": model.name,
        "lines": out_lines,
        "sections": _section_entries(sections, em, words, where),
        "song": song,
        "skipped": [e["n"] for e in out_lines if "skipped" in e],
        "centre": [round(em.centre[0], 2), round(em.centre[1], 2)],
        "arc": _arc(em),
    }
