"""``--where key=value``: which respondents and documents an export keeps.

- Keys are respondent (case) attributes, document attributes, or the built-ins ``respondent``
  (name), ``document`` (name), ``kind`` (interview, focus_group, other) and ``set`` (a set the
  respondent or the document belongs to: ``--where "set=Wave 1"``).
- Values compare without regard to case; an attribute holding several values
  ('sector; organisatie') matches each of them.
- The same key given twice means either value; different keys must all hold; ``key!=value``
  excludes. A key that is neither kind of attribute, or a value that no respondent or document
  has, is an error (a typo would otherwise give an empty export).
"""

from __future__ import annotations

from qualcode.errors import ProjectError
from qualcode.export.options import Condition, split_values

BUILTIN_CASE = ("respondent", "set")
BUILTIN_DOC = ("document", "kind", "set")
TRUE = {"yes", "true", "ja", "1", "y", "j"}
FALSE = {"no", "false", "nee", "0", "n"}


def case_values(case, key: str) -> list[str]:
    if case is None:
        return []
    if key == "respondent":
        return list(dict.fromkeys([case.name, case.label]))  # the real name or the pseudonym
    if key == "set":
        return list(getattr(case, "sets", ()))
    return split_values(case.attributes.get(key))


def doc_values(doc, key: str) -> list[str]:
    if doc is None:
        return []
    if key == "document":
        return [doc.name]
    if key == "kind":
        return [doc.kind]
    if key == "set":
        return list(getattr(doc, "sets", ()))
    return split_values(doc.attributes.get(key))


def _matches(values: list[str], wanted: str) -> bool:
    w = wanted.casefold()
    for v in values:
        v = v.casefold()
        if v == w or (v == "yes" and w in TRUE) or (v == "no" and w in FALSE):
            return True
    return False


class Filter:
    def __init__(self, conditions: list[Condition], cases: dict, documents: dict,
                 case_keys: list[str], document_keys: list[str]):
        self.conditions = conditions
        self.case_keys = set(case_keys) | set(BUILTIN_CASE)
        self.document_keys = set(document_keys) | set(BUILTIN_DOC)
        self.by_key: dict[str, list[Condition]] = {}
        for cond in conditions:
            key = self.resolve(cond.key, "--where")
            self.by_key.setdefault(key, []).append(cond)
        self._check_values(cases, documents)

    def resolve(self, key: str, option: str) -> str:
        """The attribute key as stored (matched without regard to case); an error if unknown."""
        known = self.case_keys | self.document_keys
        if key in known:
            return key
        folded = {k.casefold(): k for k in known}
        if key.casefold() in folded:
            return folded[key.casefold()]
        listed = ", ".join(sorted(known - set(BUILTIN_CASE) - set(BUILTIN_DOC))) or "none yet"
        raise ProjectError(f"unknown attribute '{key}' in {option} (attributes: {listed}; "
                           "or respondent, document, kind, set).")

    def _check_values(self, cases: dict, documents: dict) -> None:
        for key, conds in self.by_key.items():
            present: set[str] = set()
            if key in self.case_keys:
                for case in cases.values():
                    if case.role == "respondent":
                        present.update(case_values(case, key))
            if key in self.document_keys:
                for doc in documents.values():
                    present.update(doc_values(doc, key))
            for cond in conds:
                if not cond.negate and not _matches(sorted(present), cond.value):
                    shown = ", ".join(sorted(present, key=str.casefold)[:12]) or "none"
                    raise ProjectError(f"no respondent or document has {key} = '{cond.value}' "
                                       f"in --where (values: {shown}).")

    def passes(self, case, doc) -> bool:
        """Whether a respondent (or None) in a document (or None) satisfies every condition."""
        for key, conds in self.by_key.items():
            values: list[str] = []
            if key in self.case_keys:
                values += case_values(case, key)
            if key in self.document_keys:
                values += doc_values(doc, key)
            positives = [c for c in conds if not c.negate]
            if positives and not any(_matches(values, c.value) for c in positives):
                return False
            if any(_matches(values, c.value) for c in conds if c.negate):
                return False
        return True

    @property
    def active(self) -> bool:
        return bool(self.by_key)
