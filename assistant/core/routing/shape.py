"""Requests whose shape decides their intent, whatever the classifier's nearest exemplars say.

The classifier reads words; some requests are decided by their grammar and by the song on the
table. Rules written from how producers talk (documented here, not learned), each checked
before the classifier's choice is acted on:

- a question about the current song's properties, with no request to make anything ("whats the
  chord progression", "is there a bass part in it?", "and the length?") is `song_info`, never a
  new progression or bassline;
- a change to one part of the current song ("add a bassline", "get rid of the bass", "new chords
  pls, keep the rest", "cut the last two bars", "repeat it 4 times") is `edit_track`, never a new
  standalone part;
- "same tune but adagio" is an edit of the current song;
- bringing back something made before ("pull up the trap beat i made last week") is
  `find_song`;
- continuing a MIDI file ("pick up where melody_final.mid leaves off") and naming the neural
  model ("let the AI take a crack at a sad piano piece") are `generate`;
- a genre with a song noun and no drum noun ("disco tune with strings", "make a trap banger"),
  or with a full band ("the works", three parts named), is a `track`; drum words and a style
  alone ("dnb break at 174") are a beat; a bass over typed chords is the bass tool's;
- words pasted under a request about words or feeling ("vibe check these bars:") are lyrics to
  read, and "go through them line by line" reads the lyrics read before;
- sharing "to the server" is `share_song`; a folder "into the catalogue" is an import.

Each rule names the predicted intents it may overrule, so a confident, different reading stays.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.core.routing.slots import Slots
    from assistant.core.state import DialogueState

MAKE = re.compile(r"\b(?:write|compose|generate|create|produce|make (?:me |us )?(?:a|an|some)|"
                  r"(?:give me|gimme) (?:a|an|some)(?!\s+(?:quick\s+)?(?:rundown|summary|overview|"
                  r"breakdown|recap))|build|(?:need|want|like) (?:a|an|some|to hear)|throw together|"
                  r"whip up|cook up)\b", re.I)  # fmt: skip
AUDIO = re.compile(r"\b(?:wav|mp3|flac|aiff?|audio|recording|uploaded|upload|sent|mixdown|bounce)\b",
                   re.I)  # fmt: skip
# Words a bare value may come with: "bpm 132", "in E minor pls", "ok 8 bars now".
BARE_WORDS = {"in", "at", "bpm", "bars", "bar", "measures", "pls", "please", "plz", "ok", "okay",
              "now", "then", "the", "key", "of", "tempo", "major", "minor", "maj", "min", "time",
              "to", "sharp", "flat", "and", "instead", "rather"}  # fmt: skip
PROPERTY = (r"(?:key|tempo|bpm|speed|bars?|measures?|long|length|chords?|chord progression|"
            r"progression|instruments?|parts?|meter|time signature|sections?|structure|form|"
            r"rundown|summary|overview|breakdown)")  # fmt: skip
QUESTION = re.compile(
    rf"^\W*(?:(?:so|and|ok|okay|hey|yo|wait|um|uh|sorry|quick q|btw)[\s,:]+)*(?:what'?s|whats|"
    rf"what is|what are|what|how|"
    rf"which|tell me|remind me|gimme|give me|is there|are there|does it have|do we have|"
    rf"has it got)\b[^.!]*\b{PROPERTY}\b",
    re.I,
)
POINTS_AT_SONG = re.compile(
    rf"\b(?:it|this|that|the song|the track|the tune|the beat|current|in there|now|again|"
    rf"(?:did|have|are|do) we|"
    rf"the {PROPERTY})\b",
    re.I,
)
ELLIPTIC = re.compile(
    rf"^\W*(?:(?:and|so|ok|okay|but)[\s,]+)?(?:the\s+|its\s+)?{PROPERTY}(?:\s+count)?"
    r"(?:\s+now)?\s*\?\s*$",
    re.I,
)
HAS_PART = re.compile(
    r"^\W*(?:(?:so|and|ok|hey)[\s,]+)*(?:is there|are there|does it have|do we have|has it got)\b"
    r"[^.!]*\b(?:in it|in there|in this|in the (?:song|track|mix))\b",
    re.I,
)
CURRENT_SONG_Q = re.compile(r"\b(?:what'?s|whats|what is|which is) the current (?:song|track)\b",
                            re.I)  # fmt: skip
CUT_BARS = re.compile(r"^\W*(?:(?:ok|now|pls|please)\s+)*(?:cut|trim|chop|delete|remove|drop|"
                      r"lose)\s+(?:off\s+)?the\s+(?:last|first|final|opening)\s+\w+\s+bars?\b|"
                      r"\b(?:cut|end|stop|trim|chop)\s+(?:it\s+|the song\s+|everything\s+)?(?:off\s+)?"
                      r"(?:after|at)\s+bar\s+\d", re.I)  # fmt: skip
SAME_BUT = re.compile(r"\bsame\s+(?:\w+\s+)?(?:but|only|just)\b", re.I)
RECALL = re.compile(
    r"^\W*(?:(?:ok|okay|can you|could you|pls|please|now|hey)[\s,]+)*(?:pull up|bring back|"
    r"open|load|reopen|dig up|go back to|find|get me|grab|track down|look up)\b",
    re.I,
)
PAST = re.compile(r"\b(?:i|we|you) made\b|\byesterday\b|\blast (?:week|night|time|session)\b|"
                  r"\bearlier\b|\bfrom before\b|\bthe other day\b|\b(?:from|on|last) (?:monday|"
                  r"tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)  # fmt: skip
# Lyrics to read: a payload under a request about words or feeling, or the lyrics read before.
READ_WORDS = re.compile(r"\b(?:lyrics?|words|lines?|verses?|hook|bars|rhymes|chorus|couplet|"
                        r"feel|feeling|emotions?|emotionally|mood|vibe|vibe check|attitude|tone|"
                        r"read|analy[sz]e|breakdown|go hard|hit|land)\b", re.I)  # fmt: skip
READ_AGAIN = re.compile(r"\b(?:read|analy[sz]e|check|vibe check|break down|go through)\b[^.!?]*"
                        r"\b(?:these|them|those|the lyrics|my lyrics|the words|it again)\b|"
                        r"\bline by line\b", re.I)  # fmt: skip
FULL_TRACK = re.compile(r"\b(?:full|whole|complete|entire)\s+(?:[\w-]+\s+){0,2}(?:band|track|tune|"
                        r"song|thing|arrangement|production|beat)\b|\bthe works\b|\bnot just the "
                        r"drums\b|\bfull band\b", re.I)  # fmt: skip
PARTS = re.compile(r"\b(?:drums|bass|bassline|chords|keys|lead|melody|pad|strings|vocals)\b", re.I)
KIT = re.compile(r"\b(?:hats|hi-?hats?|kick|snare|ride|brushes|toms|cymbals?|break|breakbeat|"
                 r"pattern|groove|drum)\b", re.I)  # fmt: skip
NOT_DRUMS = re.compile(r"\b(?:chords?|keys|melody|lead|pad|strings|progression|song|track|tune|"
                       r"bassline|full|whole)\b", re.I)  # fmt: skip
SHARE = re.compile(r"\b(?:share|post|publish|put|make|let|send|upload)\b[^.!?]*\b(?:server|studio|"
                   r"everyone|everybody|the team|the others|other producers|public)\b", re.I)  # fmt: skip
CATALOGUE = re.compile(r"\b(?:catalog(?:ue)?|index|library)\b", re.I)
BASS_NOUN = re.compile(r"\b(?:bass ?lines?|bass|808s?)\b", re.I)
CHORD_NOUN = re.compile(r"\b(?:chords?|progression|changes|harmony|voicings?)\b", re.I)
CONTINUE = re.compile(r"\b(?:continue|keep going|carry on|pick up where|extend|finish)\b", re.I)
NEURAL = re.compile(r"\b(?:the AI|an AI|AI|neural(?: net| network| model)?|transformer|"
                    r"the (?:neural )?network|deep learning)\b")  # fmt: skip
ATTEMPT = re.compile(r"\b(?:write|make|compose|crack|go|try|generate|piece|melody|tune|song)\b",
                     re.I)  # fmt: skip
SONG_NOUN = re.compile(r"\b(?:song|track|tune|banger|bop|jam|instrumental|joint|record)\b", re.I)
DRUM_NOUN = re.compile(r"\b(?:beat|drums?|groove|pattern|kit|rhythm|loop|break|breakbeat)\b", re.I)
LINE_NOUN = re.compile(r"\b(?:melody|line|solo|riff|lead|topline)\b", re.I)
CREATION = {"chords", "bass", "drums", "compose", "track", "generate", "find_song", "modify",
            "analyze_audio", "harmonize", "unclear"}  # fmt: skip


def shaped_intent(text: str, slots: Slots, state: DialogueState | None, predicted: str,
                  payload: str | None = None) -> str | None:  # fmt: skip
    """The intent this message's shape decides, when it differs from the predicted one."""
    current = state.current if state is not None else None
    path = str(slots.values.get("path", ""))
    lyrics = state.lyrics if state is not None else None
    for intent, applies in (
        ("analyze_lyrics", lambda: _reads_lyrics(text, payload, lyrics, predicted)),
        ("import_catalog", lambda: path and "." not in path.rsplit("/", 1)[-1]
         and CATALOGUE.search(text) and predicted in ("export_stems", "unclear", "similar_songs")),
        ("share_song", lambda: SHARE.search(text) and predicted in ("render_audio", "unclear",
                                                                     "find_song", "export_stems")),
        ("generate", lambda: _generate(text, path, predicted)),
        ("find_song", lambda: RECALL.search(text) and PAST.search(text) and not MAKE.search(text)),
        ("song_info", lambda: current is not None and not path and _asks_about_song(text)),
        ("edit_track", lambda: current is not None and _edits_a_part(text, predicted, path)),
        ("modify", lambda: current is not None and predicted in CREATION
         and (SAME_BUT.search(text) or _bare_value(text, slots) or _transposes(text, current))),
        ("track", lambda: _genre_piece(text, slots, predicted)),
        ("drums", lambda: predicted in ("track", "unclear", "compose") and _kit_only(text)),
        ("bass", lambda: predicted == "chords" and BASS_NOUN.search(text)
         and not CHORD_NOUN.search(text)),
    ):
        if predicted != intent and applies():
            return intent
    return None


def _generate(text: str, path: str, predicted: str) -> bool:
    if path.lower().endswith((".mid", ".midi")) and CONTINUE.search(text):
        return predicted in ("harmonize", "compose", "unclear", "modify")
    return bool(NEURAL.search(text) and ATTEMPT.search(text)) and predicted in (
        "compose", "unclear", "modify", "track")


def _reads_lyrics(text: str, payload: str | None, lyrics: str | None, predicted: str) -> bool:
    """Words pasted under (or after) a request about words or feeling; or 'read these' again."""
    if predicted in ("analyze_lyrics", "compose", "track") or MAKE.search(text):
        return False
    if payload and READ_WORDS.search(text):
        return True
    return bool(lyrics and READ_AGAIN.search(text))


def _transposes(text: str, current) -> bool:  # noqa: ANN001 (a Song)
    from assistant.core.routing.messages import transposed_key

    return transposed_key(text.lower(), current.args()) is not None


def _kit_only(text: str) -> bool:
    """'dnb break at 174', 'trap hats n 808 kick pattern': drum words and a style, nothing else."""
    from assistant.core.routing.drum_slots import drum_style

    return bool(KIT.search(text) and drum_style(text) and not NOT_DRUMS.search(text))


def _bare_value(text: str, slots: Slots) -> bool:
    """'bpm 132', 'in E minor pls', '8 bars': a value alone, said about the song on the table."""
    from models.music.vocabulary import number_value

    values = set(slots.values)
    words = re.findall(r"[a-z]+", text.lower())
    plain = all(w in BARE_WORDS or len(w) == 1 or number_value(w) for w in words)
    return bool(values) and values <= {"tempo", "key", "mode", "bars", "meter"} and plain


def _asks_about_song(text: str) -> bool:
    """A question about the current song that asks for nothing to be made."""
    if ELLIPTIC.search(text) or CURRENT_SONG_Q.search(text) or HAS_PART.search(text):
        return True
    if MAKE.search(text) or AUDIO.search(text) or re.search(r"\b(?:should|could|would|can)\b",
                                                             text, re.I):  # fmt: skip
        return False
    return bool(QUESTION.search(text) and POINTS_AT_SONG.search(text))


def _edits_a_part(text: str, predicted: str, path: str) -> bool:
    from assistant.core.routing.track_slots import PART_WORD, edit_args

    if CUT_BARS.search(text):
        return predicted in CREATION
    # A file is the producer's own melody (harmonize), not the song on the table.
    if predicted not in CREATION or predicted == "harmonize" or path or MAKE.search(text):
        return False
    args = edit_args(text)
    action, part = args.get("action"), args.get("part")
    if action == "swap" and not re.fullmatch(rf"(?:{PART_WORD})", str(part), re.I):
        return False  # "switch back to the first melody", "change the key to Eb"
    if action == "add" and predicted in ("bass", "chords", "drums") and re.search(
        r"\b(?:the|this|that|my|a)\s+(?:beat|loop|groove)\b", text, re.I):  # fmt: skip
        return False  # "add bass to the beat": that tool writes it over the beat
    if action == "remove" and not re.search(r"\b(?:remove|mute|drop|lose|kill|cut|take out|get rid "
                                            r"of|strip|ditch|scrap|axe|nix|bin|silence)\b", text,
                                            re.I):  # fmt: skip
        return False  # "no chords", "without drums": a new piece's options, not an edit
    if action == "remove" and predicted in ("bass", "chords", "drums") and not re.search(
        r"\b(?:the|that|those|its|all the|this)\s+(?:\w+\s+)?(?:drums?|bass|bassline|chords?|keys|"
        r"hats|lead|melody|pad|strings|piano|guitar|choir|synths?)\b", text, re.I):  # fmt: skip
        return False  # "reggae one drop drums": a style; "drop the drums" names the part
    if action in ("remove", "swap", "add") and part:
        return True
    keep = re.search(r"\b(?:keep|leave|just|only)\b", text, re.I)
    return action == "change" and bool(part) and bool(keep or re.search(r"\b(?:rewrite|redo)\b",
                                                                        text, re.I))  # fmt: skip


def _genre_piece(text: str, slots: Slots, predicted: str) -> bool:
    from models.arrangement.genres import find_genre

    if predicted not in ("compose", "drums", "modify", "unclear", "chords", "bass"):
        return False
    genre = find_genre(text)
    if genre in (None, "chorale", "folk", "irish", "ballad", "songwriter"):
        return False
    if FULL_TRACK.search(text) or len({m.lower() for m in PARTS.findall(text)}) >= 3:
        return True  # "a whole house tune, not just the drums", "drums bass chords lead"
    if predicted in ("chords", "bass"):
        return False
    if not SONG_NOUN.search(text) or DRUM_NOUN.search(text) or LINE_NOUN.search(text):
        return False
    instrument = slots.values.get("instrument")
    return not (instrument and re.search(rf"\bfor\s+(?:solo\s+|an?\s+|the\s+)?{instrument}",
                                         text, re.I))  # fmt: skip
