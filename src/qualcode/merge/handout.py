"""``qualcode handout``: a copy of the study for one coder.

The copy is a consistent backup of the study (:meth:`Project.backup`), written to a temporary
name and moved into place when ready. In the copy:

* the coder's name is stored in the settings (``coder``) and a ``handout`` record in the meta
  table (id, coder, study file, time, documents);
* with ``docs``, only those documents (and their codings, turns and attributes) remain;
* unless ``all_codings``, only the coder's own earlier codings remain, so coders code blind —
  independent coding is what agreement statistics assume;
* the study's codings get the study's file name as their origin, so a merge can tell the
  coder's own work from what came with the copy;
* a base of fingerprints (``handout_base``) records what the copy held, so that a later merge
  can tell the coder's changes and deletions from changes made in the study meanwhile;
* the study's history stays as an audit trail, but cannot be undone in the copy.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.store.documents import new_uuid
from qualcode.store.history import now
from qualcode.merge.common import base_rows


def handout(study: str | Path, target: str | Path, coder: str, docs: list[str] | None = None,
            all_codings: bool = False) -> dict:
    from qualcode.store.project import Project

    study, target = Path(study), Path(target)
    coder = (coder or "").strip()
    if not coder:
        raise ProjectError("a handout needs the coder's name (--coder NAME).")
    if target.exists():
        raise ProjectError(f"{target}: a file already exists there; choose another name.")
    if study.resolve() == target.resolve():
        raise ProjectError("the handout must be a new file, not the study itself.")
    tmp = target.with_name(target.name + ".building")
    _cleanup(tmp)
    with Project.open(study) as source:
        keep = None
        if docs:
            keep = {}
            for ref in docs:
                doc = source.documents.get(ref)
                keep[doc.uuid] = doc.name
        source.backup(tmp)
    try:
        with Project.open(tmp) as copy, copy.transaction():
            removed_docs = copy.team.restrict_documents(set(keep)) if keep is not None else []
            removed_codings = 0 if all_codings else copy.team.keep_codings_of({coder})
            copy.team.stamp_sources(study.name)
            copy.team.freeze_history()
            settings = copy.settings()
            settings["coder"] = coder
            copy.set_meta("settings", json.dumps(settings, ensure_ascii=False))
            names = copy.documents.names()
            record = {"id": new_uuid(), "coder": coder, "study": str(study), "study_name": copy.meta("name"),
                      "at": now(), "documents": sorted(names.values()), "all_codings": all_codings}
            copy.set_meta("handout", json.dumps(record, ensure_ascii=False))
            copy.team.write_base(base_rows(copy.team.snapshot()))
            copy.history.record("handout", f"handed out to {coder} from {study.name}", [], undoable=False)
            kept = copy.team.count_codings()
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
    except BaseException:
        _cleanup(tmp)
        raise
    return {"handout": str(target), "study": str(study), "coder": coder, "documents": record["documents"],
            "documents_removed": len(removed_docs), "codings_kept": kept, "codings_removed": removed_codings,
            "id": record["id"]}


def _cleanup(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
