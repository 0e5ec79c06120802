"""The fixed words of report exports (quote book, matrix document) in the project's language.

``labels_for(language)`` gives a dict; exports take ``--language nl|en`` (default: the project's
language). Data (code names, attribute values, quotes) is never translated.
"""

from __future__ import annotations

from qualcode.errors import ProjectError

LABELS = {
    "en": {
        "quote_book": "Quote book", "coded_by": "coded by", "contents": "Contents", "memo": "Memo",
        "turn": "turn", "turns": "turns", "to": "to", "data_matrix": "Data matrix", "respondent": "Respondent",
        "document": "Document", "passages": "passages", "quotes": "quotes", "continued": "continued",
        "no_passages": "(no coded passages)", "page": "page", "about": "About this export",
        "group": "group", "respondents": "respondents", "summary": "Summary",
    },
    "nl": {
        "quote_book": "Citatenboek", "coded_by": "gecodeerd door", "contents": "Inhoud", "memo": "Memo",
        "turn": "beurt", "turns": "beurten", "to": "tegen", "data_matrix": "Datamatrix", "respondent": "Respondent",
        "document": "Document", "passages": "fragmenten", "quotes": "citaten", "continued": "vervolg",
        "no_passages": "(geen gecodeerde fragmenten)", "page": "pagina", "about": "Over deze export",
        "group": "groep", "respondents": "respondenten", "summary": "Samenvatting",
    },
}


def labels_for(language: str | None) -> dict[str, str]:
    lang = (language or "en").casefold()
    if lang not in LABELS:
        raise ProjectError(f"--language must be one of {', '.join(LABELS)}, not '{language}'.")
    return LABELS[lang]
