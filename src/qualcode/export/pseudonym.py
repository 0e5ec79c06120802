"""Pseudonyms: respondents become R01, R02 …, named interviewers I01 …, the same in every export.

The order is the project's own stable order (the order in which people first speak, documents in
import order), computed over the whole project and never over a filtered subset, so a respondent
keeps their pseudonym whatever is exported. Generic role labels ("Interviewer", "Moderator",
"R1", "Speaker 2") are not names: they keep their label and are not replaced inside text.
"""

from __future__ import annotations

import re

from qualcode.ingest.turns import PARTICLES, is_role_label


class Pseudonymiser:
    """Maps names to pseudonyms; ``enabled=False`` gives an identity mapping with the same API."""

    def __init__(self, cases: list[tuple[str, str, str]], speakers: list[tuple[str, str, str]] = (),
                 enabled: bool = True):
        """``cases``: (uuid, name, role) in stable order; ``speakers``: (document, label, case uuid)."""
        self.enabled = enabled
        self.by_case: dict[str, str] = {}
        self.names: dict[str, str] = {}  # real name -> pseudonym
        self.rows: list[tuple[str, str, str]] = []  # (name, pseudonym, role) for the mapping file
        counters = {"respondent": 0, "interviewer": 0}
        width = max(2, len(str(len(cases))))
        for uuid, name, role in cases:
            if role == "interviewer" and is_role_label(name):
                alias = name
            else:
                key = "interviewer" if role == "interviewer" else "respondent"
                counters[key] += 1
                alias = f"{'I' if key == 'interviewer' else 'R'}{counters[key]:0{width}d}"
            self.by_case[uuid] = alias
            self.names[name] = alias
            self.rows.append((name, alias, role))
        for _doc, label, case in speakers:
            if case in self.by_case and label not in self.names:
                self.names[label] = self.by_case[case]
        self._pattern = self._build_pattern() if enabled else None

    def _build_pattern(self):
        """One regex for every name and its distinctive parts (given name, surname), longest first."""
        variants: dict[str, str] = {}
        for name, alias in self.names.items():
            if alias == name or is_role_label(name):
                continue
            variants.setdefault(name, alias)
            parts = name.split()
            if len(parts) > 1:
                for part in parts:
                    if (len(part) > 1 and part[0].isupper() and part.casefold() not in PARTICLES
                            and not is_role_label(part) and any(ch.isalpha() for ch in part)):
                        variants.setdefault(part, alias)
        if not variants:
            return None
        self._variants = variants
        alternatives = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
        return re.compile(rf"(?<![\w]){'(?:' + alternatives + ')'}(?![\w])")

    # -- mapping -------------------------------------------------------------------------------
    def case(self, uuid: str | None, name: str | None = None) -> str:
        """The label for a case (its pseudonym when enabled, else its name)."""
        if not self.enabled:
            return name or ""
        if uuid in self.by_case:
            return self.by_case[uuid]
        return self.text(name or "")

    def speaker(self, label: str | None) -> str:
        if not label:
            return ""
        if not self.enabled:
            return label
        return self.names.get(label) or self.text(label)

    def text(self, text: str | None) -> str:
        """Names replaced inside free text (quotes, memos, document names)."""
        if not text or not self.enabled or self._pattern is None:
            return text or ""
        return self._pattern.sub(lambda m: self._variants[m.group(0)], text)

    def mapping_rows(self) -> list[list[str]]:
        return [[name, alias, role] for name, alias, role in self.rows if alias != name]


def write_mapping(project, path) -> int:
    """Write the name → pseudonym table (CSV) for the project; returns the number of rows."""
    from qualcode.export.writers import Table, write_csv

    pseudo = Pseudonymiser(project.reads.cases(), project.reads.speakers())
    rows = pseudo.mapping_rows()
    write_csv(path, Table("pseudonyms", ["name", "pseudonym", "role"], rows))
    return len(rows)
