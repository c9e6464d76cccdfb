"""A results folder: its kind, manifest and status, and the registry that loads each kind.

Every folder wargame writes (a run, a batch, a sweep, a calibration, a score, a discovery)
holds ``manifest.json`` with at least its ``format``, ``kind`` and ``status``:
``running`` while it is written, ``incomplete`` after an interruption or a failure (a
folder whose process was killed still says ``running``, and readers treat it alike), and
``complete`` only once everything is in place. :class:`Folder` is that life cycle, once:
create (refusing a non-empty folder, so results are never overwritten), open, resume
(refusing a complete folder and one started with other settings), mark and finish.

Each kind registers the function that loads its complete folders (:func:`register`);
:func:`load` reads the manifest, refuses an incomplete folder or a kind the caller does
not accept, and hands the folder to its loader. Kinds defined above this stage
(calibration, score, discovery) register from their own modules; ``sim.results.load``
imports them all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from sim.scenario.errors import ScenarioError

FORMAT = 1

#: How each kind is named in messages.
KINDS = {
    "run": "a run",
    "batch": "a batch",
    "sweep": "a sweep",
    "calibration": "a calibration",
    "score": "a score",
    "discovery": "a discovery",
    "signposts": "a signposts",
    "track": "a track",
}

F = TypeVar("F", bound="Folder")
Loader = Callable[[Path, dict[str, Any]], Any]
_LOADERS: dict[str, Loader] = {}


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write under a temporary name, then rename into place: no reader sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_json_atomic(path: Path, obj: Any) -> None:
    write_bytes_atomic(path, (json.dumps(obj, indent=2, default=str) + "\n").encode())


def check_new(out: Path) -> None:
    """Refuse to write into an existing non-empty folder (results are never lost)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ScenarioError.single(
            "already exists and is not empty; choose another --out (or --resume it)",
            file=str(out),
        )


def read_manifest(path: Path, kind: str | None = None) -> dict[str, Any]:
    """A results folder's manifest; with `kind`, the folder must be of that kind."""
    what = KINDS.get(kind or "", "a results").removeprefix("a ").removeprefix("an ")
    file = path / "manifest.json"
    if not file.is_file():
        raise ScenarioError.single(f"not a {what} folder (no manifest.json)", file=str(path))
    try:
        manifest = json.loads(file.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ScenarioError.single(f"manifest.json is unreadable: {e}", file=str(path)) from None
    if not isinstance(manifest, dict):
        raise ScenarioError.single("manifest.json is not a mapping", file=str(path))
    if kind is not None and manifest.get("kind") != kind:
        raise ScenarioError.single(
            f"not a {what} folder (kind {manifest.get('kind')!r})", file=str(path)
        )
    return manifest


def require_same(manifest: dict[str, Any], expected: dict[str, Any], what: str, path: Path) -> None:
    """Refuse to resume `what` when a setting differs from the one it started with."""
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise ScenarioError.single(
                f"{key} differs from the {what} being resumed "
                f"({manifest.get(key)!r} there, {value!r} now)",
                file=str(path),
            )


class Folder:
    """A results folder of one kind (subclasses set ``kind``)."""

    kind: ClassVar[str] = ""

    def __init__(self, path: Path, manifest: dict[str, Any]):
        self.path = Path(path)
        self.manifest = manifest

    @classmethod
    def create(cls: type[F], path: Path, fields: dict[str, Any] | None = None) -> F:
        """A new folder (refusing a non-empty existing one), its manifest saved."""
        check_new(path)
        path.mkdir(parents=True, exist_ok=True)
        manifest = {"format": FORMAT, "kind": cls.kind, "status": "running", **(fields or {})}
        manifest.setdefault("started", now())
        folder = cls(path, manifest)
        folder.save()
        return folder

    @classmethod
    def open(cls: type[F], path: Path) -> F:
        """An existing folder of this kind, complete or not."""
        return cls(Path(path), read_manifest(Path(path), cls.kind))

    @classmethod
    def resume(
        cls: type[F],
        path: Path,
        expected: dict[str, Any] | None = None,
        check: Callable[[dict[str, Any]], None] | None = None,
    ) -> F:
        """Reopen an unfinished folder, refusing one whose `expected` settings differ or
        whose manifest `check` raises on (before anything is written)."""
        folder = cls.open(path)
        if folder.complete:
            raise ScenarioError.single(
                f"this {cls.kind} is already complete; nothing to resume", file=str(path)
            )
        if expected:
            require_same(folder.manifest, expected, cls.kind, folder.path)
        if check is not None:
            check(folder.manifest)
        folder.manifest["status"] = "running"
        folder.save()
        return folder

    @classmethod
    def open_or_create(cls: type[F], path: Path, resume: bool, fields: dict[str, Any]) -> F:
        """:meth:`resume` (checking `fields` are unchanged) or :meth:`create`."""
        return cls.resume(path, fields) if resume else cls.create(path, fields)

    @property
    def complete(self) -> bool:
        return self.manifest.get("status") == "complete"

    def save(self) -> None:
        write_json_atomic(self.path / "manifest.json", self.manifest)

    def mark(self, status: str, reason: str = "", wall_seconds: float = 0.0) -> None:
        """Record an interruption or failure (the folder stays resumable). Best effort: on
        a full disk the manifest may not be writable, and then it still says "running",
        which readers treat as incomplete too."""
        self.manifest["status"] = status
        self.manifest["wall_seconds"] = round(
            self.manifest.get("wall_seconds", 0.0) + wall_seconds, 3
        )
        if reason:
            self.manifest["reason"] = reason
        with contextlib.suppress(OSError):
            self.save()

    def finish(self, **fields: Any) -> None:
        """Mark the folder complete, with any last manifest fields."""
        self.manifest.update(fields)
        self.manifest["finished"] = now()
        self.manifest["status"] = "complete"
        self.manifest.pop("reason", None)
        self.save()


# ------------------------------------------------------------------------------ loading


def register(kind: str) -> Callable[[Loader], Loader]:
    """Decorator: `loader(path, manifest)` loads complete folders of `kind`."""
    if kind not in KINDS:
        raise ValueError(f"unknown folder kind {kind!r}")

    def deco(loader: Loader) -> Loader:
        _LOADERS[kind] = loader
        return loader

    return deco


def describe_kinds(kinds: Sequence[str]) -> str:
    """``"a run, a batch or a sweep"``."""
    names = [KINDS[k] for k in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def load(path: str | Path, kinds: Sequence[str] | None = None, command: str = "") -> Any:
    """Load a complete results folder of one of `kinds` (any registered kind if None).

    A folder of another kind is refused with a message naming the kinds accepted
    (`command` names who accepts them); an incomplete one is refused, not half-read.
    """
    path = Path(path)
    manifest = read_manifest(path)
    kind = manifest.get("kind", "run")  # the first run folders had no kind
    accepted = list(kinds) if kinds is not None else list(_LOADERS)
    if kind not in accepted:
        who = f"{command} works on" if command else "expected"
        this = KINDS.get(str(kind), f"a {kind!r}")
        raise ScenarioError.single(
            f"{who} {describe_kinds(accepted)} folder; this is {this} folder", file=str(path)
        )
    if manifest.get("status") == "no_forecast":
        raise ScenarioError.single(
            f"this {kind} folder has no forecast: {manifest.get('reason', 'nothing was kept')}",
            file=str(path),
        )
    if manifest.get("status") != "complete":
        why = f", {manifest['reason']}" if manifest.get("reason") else ""
        raise ScenarioError.single(
            f"this {kind} folder is incomplete (status {manifest.get('status')!r}{why}); "
            "finish it with --resume before reading it",
            file=str(path),
        )
    if kind not in _LOADERS:
        raise ScenarioError.single(
            f"{KINDS.get(kind, kind)} folder cannot be read here; use sim.results.load",
            file=str(path),
        )
    return _LOADERS[kind](path, manifest)
