"""What every export shares: which coder's codings, which respondents, whether to pseudonymise."""

from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.errors import ProjectError


@dataclass(frozen=True)
class Condition:
    """``key=value`` (or ``key!=value``) from ``--where``."""

    key: str
    value: str
    negate: bool = False

    def __str__(self) -> str:
        return f"{self.key}{'!=' if self.negate else '='}{self.value}"


@dataclass
class ExportOptions:
    coder: str = "all"  # a coder's name, "consensus" or "all"
    where: list[Condition] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # code references: only these (and their sub-codes)
    pseudonymise: bool = False
    pseudonym_map: str | None = None  # write the mapping here (only on request)
    code_memos: bool = False  # quote book: the memos on each code under its heading
    merge_overlaps: bool = False  # with coder 'all': overlapping passages of one code become one
    citation_attributes: list[str] | None = None  # None: the project's setting (qualcode citations)

    def describe(self) -> list[tuple[str, str]]:
        """The settings, as (label, value) pairs, for an export's "about" notes."""
        out = [("coder", self.coder)]
        if self.where:
            out.append(("where", "; ".join(str(c) for c in self.where)))
        if self.codes:
            out.append(("codes", "; ".join(self.codes)))
        if self.merge_overlaps and self.coder.casefold() == "all":
            out.append(("overlapping passages", "merged (one quote per passage, every coder named)"))
        out.append(("pseudonymised", "yes" if self.pseudonymise else "no"))
        return out


def parse_where(items: list[str] | None) -> list[Condition]:
    out = []
    for item in items or []:
        if "!=" in item:
            key, _, value = item.partition("!=")
            negate = True
        elif "=" in item:
            key, _, value = item.partition("=")
            negate = False
        else:
            raise ProjectError(f"--where '{item}' needs the form KEY=VALUE (for example role=leraar).")
        key, value = key.strip(), value.strip()
        if not key:
            raise ProjectError(f"--where '{item}' has no attribute name before '='.")
        out.append(Condition(key, value, negate))
    return out


def options_from_args(args) -> ExportOptions:
    """ExportOptions from parsed arguments (missing options take their defaults)."""
    codes = getattr(args, "codes", None) or []
    return ExportOptions(
        coder=(getattr(args, "coder", None) or "all").strip(),
        where=parse_where(getattr(args, "where", None)),
        codes=list(codes),
        pseudonymise=bool(getattr(args, "pseudonymise", False)),
        pseudonym_map=getattr(args, "pseudonym_map", None),
        code_memos=bool(getattr(args, "memos", False)),
        merge_overlaps=hasattr(args, "no_merge") and not args.no_merge,  # only exports with --no-merge merge
    )


def split_values(value) -> list[str]:
    """An attribute value as the list of values it holds: 'sector; organisatie' counts in both
    groups (the seeds' respondents who speak from two perspectives)."""
    if value is None:
        return []
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    text = str(value)
    parts = [p.strip() for p in text.replace("|", ";").split(";")]
    return [p for p in parts if p] or ([text.strip()] if text.strip() else [])


def display(value) -> str:
    """An attribute value as a report shows it (booleans as yes/no, whole floats without .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
