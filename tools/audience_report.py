"""The replies of the audience tools: a compact table and a plain-language summary."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from tools.base import ToolContext, ToolResult
from tools.pieces import bar

if TYPE_CHECKING:
    import numpy as np

    from assistant.store.audience_store import AudienceStore
    from models.audience.features import SongFeatures


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _places(row: dict[str, Any]) -> str:
    countries = ", ".join(f"{c} ({_pct(s)})" for c, s in row["countries"][:2])
    cities = row["where"]
    if countries and cities:
        return f"most in {countries}; top cities {cities}"
    return f"most in {countries}" if countries else (f"top cities {cities}" if cities else "")


def clip(text: str, room: int) -> str:
    """Text in `room` columns: whole, or cut with '…' (the free-text last column of a row)."""
    return text if len(text) <= room else text[: max(room - 1, 0)] + "…"


def wrap(text: str, width: int, indent: str = "") -> str:
    import textwrap

    return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)


def segment_table(rows: list[dict[str, Any]], width: int = 80) -> str:
    """Name, fit bar, size, share active and top cities; the cities take the columns `width`
    leaves (18 at 76, the chat's width at 80x24)."""
    lines = [f"{'segment':<28} {'fit':>14} {'size':>5} {'active':>6}  where"]
    for r in rows:
        name = r["name"] if len(r["name"]) <= 28 else r["name"][:27] + "…"
        where = clip(r["where"], max(10, width - 58))
        lines.append(
            f"{name:<28} {bar(r['fit'])} {r['fit']:>3.0f} {r['size']:>5} {_pct(r['active_share']):>6}  {where}"
        )
    return "\n".join(lines)


def song_report(
    ctx: ToolContext,
    store: AudienceStore,
    song: SongFeatures,
    vector: np.ndarray,
    release: date | None,
    limit: int,
    note: str | None,
) -> ToolResult:
    from models.audience.engine import segments_of, snapshot
    from models.audience.insights import likely_listeners, pitch_note, segment_fits

    segments, centres, metas = segments_of(store)
    fits = segment_fits(song, vector, segments, centres, metas)
    rows = [f.row() for f in fits]
    snap = snapshot(store, ctx.settings.cache_dir)
    listeners = likely_listeners(snap, song.song_id, vector, n=limit)
    titles = _titles(store, [s for li in listeners for s in li["plays_like"]])
    lookalikes = store.similar_songs(vector, limit, exclude={song.song_id})
    best = rows[0]
    why = "; ".join(best["why"]) or "its overall sound"
    summary = (
        f"'{song.title}' fits the {best['name']} best (fit {best['fit']:.0f}/100: closer to "
        f"them than {best['fit']:.0f}% of the catalogue). They are {best['size']} listeners, "
        f"{_pct(best['active_share'])} active, {_places(best) or 'places not given'}; "
        f"they like {best['profile']}. Why it fits: {why}."
    )
    if len(rows) > 1 and rows[1]["fit"] >= 60:
        summary += f" Second: the {rows[1]['name']} ({rows[1]['fit']:.0f}/100)."
    pitch = pitch_note(release)
    summary += " " + pitch
    if note:
        summary += f"\n\n({note})"
    preview = [segment_table(rows, ctx.width)]
    if listeners:
        preview.append("Listeners most likely to pick it up:")
        preview += [clip(_listener_line(li, titles), ctx.width) for li in listeners]
    if lookalikes:
        looks = "; ".join(f"{s.title} ({sim:.2f})" for s, sim, _ in lookalikes)
        preview.append(wrap("Lookalike songs: " + looks, ctx.width))
    return ToolResult(
        summary=summary,
        data={"song": song.song_id, "title": song.title, "segments": rows, "listeners": listeners,
              "lookalikes": [{"id": s.song_id, "title": s.title, "similarity": round(sim, 3)} for s, sim, _ in lookalikes],
              "pitch": pitch, "dataset": metas[0].get("dataset") if metas else None},
        preview="\n".join(preview),
    )  # fmt: skip


def _listener_line(li: dict[str, Any], titles: dict[str, str]) -> str:
    where = ", ".join(x for x in (li.get("city"), li.get("country")) if x) or "place unknown"
    who = " ".join(x for x in (li.get("age_band"), li.get("platform")) if x)
    likes = ", ".join(titles.get(s, s) for s in li["plays_like"])
    activity = "active" if li.get("active") else "light"
    return f"  {li['listener']:<7} {where[:18]:<18} {who[:14]:<14} {activity:<6} plays {likes}"


def _titles(store: AudienceStore, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    songs, _, _ = store.catalog_entries(sorted(set(ids)), vectors=False)
    return {s.song_id: s.title for s in songs}


def segment_report(
    ctx: ToolContext, store: AudienceStore, query: str, limit: int, note: str | None
) -> ToolResult:
    from models.audience.engine import segments_of
    from models.audience.insights import resolve_segment

    segments, centres, metas = segments_of(store)
    if query.strip().lower() == "all":
        return overview(segments, note, ctx.width)
    seg = resolve_segment(segments, query)
    if ctx.state is not None:
        ctx.state.segment = seg.seg_id  # "write something for them"
    i = segments.index(seg)
    fits = store.similar_songs(centres[i], limit, exclude=None)
    make = {k: v for k, v in seg.make.items() if v is not None}
    where = _places({"countries": seg.countries, "where": ", ".join(c for c, _ in seg.cities[:3])})
    ages = ", ".join(f"{a} ({_pct(s)})" for a, s in seg.age_bands[:2])
    summary = (
        f"The {seg.name} ({seg.seg_id}): {seg.size} listeners, {_pct(seg.active_share)} active, "
        f"{where or 'places not given'}{f'; mostly aged {ages}' if ages else ''}. They like "
        f'{seg.profile}. To write for them: {_make_words(make)} (say "write something for '
        f'them").'
    )
    if note:
        summary += f"\n\n({note})"
    lines = [f"{'song':<36} {'fit':>5}  {'plays':>6}"]
    for song, sim, meta in fits:
        lines.append(f"{song.title[:36]:<36} {sim:>5.2f}  {int(meta.get('plays_total', 0)):>6}")
    return ToolResult(
        summary=summary,
        data={"segment": seg.seg_id, "name": seg.name, "size": seg.size, "profile": seg.profile,
              "countries": seg.countries, "cities": seg.cities, "age_bands": seg.age_bands,
              "active_share": seg.active_share, "compose_args": make,
              "songs": [{"id": s.song_id, "title": s.title, "fit": round(sim, 3)} for s, sim, _ in fits]},
        preview="\n".join(lines),
    )  # fmt: skip


def overview(segments: list, note: str | None, width: int = 80) -> ToolResult:  # noqa: ANN001
    """All segments at a glance: who they are, where, how active, what they like."""
    total = sum(s.size for s in segments)
    lines = []
    for seg in segments:
        where = ", ".join(f"{c} {_pct(x)}" for c, x in seg.countries[:2])
        name = seg.name if len(seg.name) <= 38 else seg.name[:37] + "…"
        head = f"{seg.rank + 1}. {name:<38} {seg.size:>5}  {_pct(seg.active_share):>4} active  "
        lines.append(head + clip(where, max(10, width - len(head))))
        lines.append(wrap(seg.profile, width, "   "))
    biggest = segments[0]
    summary = (
        f"Your {total:,} listeners fall into {len(segments)} segments. The biggest is the "
        f"{biggest.name} ({biggest.size}): {biggest.profile}. Ask about one ('describe segment "
        f"2'), or make a song and ask who would like it."
    )
    if note:
        summary += f"\n\n({note})"
    rows = [{"segment": s.seg_id, "name": s.name, "size": s.size, "active_share": s.active_share,
             "countries": s.countries, "profile": s.profile} for s in segments]  # fmt: skip
    return ToolResult(summary=summary, data={"segments": rows}, preview="\n".join(lines))


def _make_words(make: dict[str, Any]) -> str:
    from tools.pieces import piece_noun

    noun = piece_noun(make["style"], make.get("meter") or "4/4") if make.get("style") else "piece"
    bits = [
        f"{make['mood']}" if make.get("mood") else "",
        f"{make['mode']}" if make.get("mode") else "",
        noun,
        f"at about {make['tempo']} bpm" if make.get("tempo") else "",
        f"in {make['meter']}" if make.get("meter") else "",
        f"for {make['instrument']}" if make.get("instrument") else "",
    ]
    return "a " + " ".join(b for b in bits if b)


def similar_report(
    store: AudienceStore, song: SongFeatures, vector: np.ndarray, limit: int, note: str | None
) -> ToolResult:
    from models.audience.vectors import agreements

    found = store.similar_songs(vector, limit, exclude={song.song_id})
    rows = []
    got, vecs, _ = store.catalog_entries([s.song_id for s, _, _ in found])
    vec_of = {s.song_id: v for s, v in zip(got, vecs, strict=True)}
    for other, sim, meta in found:
        shared = sorted({*song.genres, *song.moods} & {*other.genres, *other.moods})
        why = ([f"tags {', '.join(shared[:2])}"] if shared else []) + agreements(
            vector, vec_of[other.song_id], n=2
        )
        rows.append({"id": other.song_id, "title": other.title, "artist": other.artist,
                     "similarity": round(sim, 3), "why": why, "plays": int(meta.get("plays_total", 0))})  # fmt: skip
    fans = _fans(store, song)
    if not rows:
        summary = "The catalogue has no other songs yet."
    else:
        summary = (
            f"Songs most like '{song.title}': "
            + "; ".join(
                f"{r['title']} ({r['similarity']:.2f}{': ' + ', '.join(r['why']) if r['why'] else ''})"
                for r in rows[:3]
            )
            + "."
        )
    if fans:
        summary += " Its fans also play: " + ", ".join(t for t, _ in fans) + "."
    if note:
        summary += f"\n\n({note})"
    lines = [f"{'song':<32} {'artist':<16} {'sim':>5} {'plays':>6}"]
    lines += [
        f"{r['title'][:32]:<32} {(r['artist'] or '')[:16]:<16} {r['similarity']:>5.2f} {r['plays']:>6}"
        for r in rows
    ]
    return ToolResult(summary=summary, data={"song": song.song_id, "similar": rows,
                      "fans_also_like": [{"title": t, "overlap": o} for t, o in fans]},
                      preview="\n".join(lines))  # fmt: skip


def _fans(store: AudienceStore, song: SongFeatures) -> list[tuple[str, float]]:
    got = store.catalog.get(ids=[song.song_id], include=["metadatas"])
    if not got["ids"]:
        return []
    pairs = json.loads(got["metadatas"][0].get("fans_also_like") or "[]")
    titles = _titles(store, [p[0] for p in pairs])
    return [(titles.get(i, i), float(o)) for i, o in pairs]
