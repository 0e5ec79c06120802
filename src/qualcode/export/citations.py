"""Which respondent attributes a quote is cited with, and whether a citation identifies someone.

"R11 (beleidsmedewerker, sector, landelijk, pabo + master)" names the only respondent with that
combination. Quotes are therefore cited with the attributes the researcher chose (the project
setting ``citation_attributes``, set with ``qualcode citations``, or ``--attributes`` for one
export); without a choice, with the respondent's label only. An export warns when a cited
combination of values is held by fewer than :data:`MIN_GROUP` respondents of the project.
"""

from __future__ import annotations

from qualcode.errors import ProjectError
from qualcode.export.options import display as _value

CITATION_SETTING = "citation_attributes"
MIN_GROUP = 3


def resolve_keys(project, keys: list[str]) -> list[str]:
    """The respondent attribute keys as stored (matched without regard to case)."""
    known = list(project.reads.attribute_keys().get("case", {}))
    folded = {k.casefold(): k for k in known}
    out = []
    for key in keys:
        if key.casefold() not in folded:
            raise ProjectError(f"unknown respondent attribute '{key}' in --attributes "
                               f"(attributes: {', '.join(known) or 'none yet'}).")
        out.append(folded[key.casefold()])
    return out


def chosen_keys(project, requested: list[str] | None) -> list[str]:
    """--attributes when given, else the project setting, else none."""
    if requested is not None:
        return resolve_keys(project, requested)
    saved = project.settings().get(CITATION_SETTING)
    if not saved:
        return []
    known = set(project.reads.attribute_keys().get("case", {}))
    return [k for k in saved if k in known]




def combinations(project, keys: list[str]) -> list[tuple[tuple[str, ...], int]]:
    """(values, respondents holding exactly them) over every respondent of the project, smallest first."""
    if not keys:
        return []
    attrs = project.attributes.of("case")
    counts: dict[tuple[str, ...], int] = {}
    for uuid, _name, role in project.reads.cases():
        if role != "respondent":
            continue
        values = tuple(_value(attrs.get(uuid, {}).get(k)) for k in keys)
        counts[values] = counts.get(values, 0) + 1
    return sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))


def identifying(data, keys: list[str], cited_cases) -> list[tuple[tuple[str, ...], int]]:
    """The combinations of cited respondents (case uuids) that fewer than MIN_GROUP respondents of
    the project hold."""
    if not keys:
        return []
    counts: dict[tuple[str, ...], int] = {}
    of_case = {}
    for case in data.cases.values():
        if case.role != "respondent":
            continue
        values = tuple(_value(case.attributes.get(k)) for k in keys)
        of_case[case.uuid] = values
        counts[values] = counts.get(values, 0) + 1
    out = {}
    for uuid in cited_cases:
        values = of_case.get(uuid)
        if values is not None and any(values) and counts[values] < MIN_GROUP:
            out[values] = counts[values]
    return sorted(out.items(), key=lambda kv: (kv[1], kv[0]))
