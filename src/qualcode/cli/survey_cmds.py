"""``import-survey``: open survey answers from CSV or XLSX."""

from __future__ import annotations

from qualcode.cli.common import add_json, opened
from qualcode.cli.output import console, print_json


def register(sub) -> None:
    p = sub.add_parser("import-survey", help="import open survey answers (.csv, .xlsx): a document per question",
                       description="Import a survey table with one row per respondent: each open-answer column "
                       "becomes a document (the question, then one turn per respondent's answer); the other "
                       "columns become the respondents' attributes. All or nothing.")
    p.add_argument("project")
    p.add_argument("file", help="a .csv (comma, semicolon or tab separated) or .xlsx file with a header row")
    p.add_argument("--id", dest="id_column", metavar="COLUMN",
                   help="the column naming the respondents (default: respondent/id/name/…, else the first)")
    p.add_argument("--answers", action="append", metavar="COLUMN",
                   help="an open-answer column (repeatable; default: the columns of long, varied text)")
    p.add_argument("--sheet", help="the sheet of an .xlsx workbook (default: the first)")
    p.add_argument("--name", help="the start of the document names (default: the file name)")
    add_json(p)
    p.set_defaults(func=cmd_import_survey)


def cmd_import_survey(args) -> int:
    from qualcode.ingest.survey import import_survey

    with opened(args.project) as project:
        result = import_survey(project, args.file, id_column=args.id_column, answers=args.answers,
                               sheet=args.sheet, name=args.name)
    if args.json:
        print_json(result)
        return 0
    console.print(f"{result['respondents']} respondents (column '{result['id_column']}') from {result['file']}",
                  highlight=False, markup=False)
    for d in result["documents"]:
        if d["status"] == "empty":
            console.print(f"  {'empty':9} '{d['column']}': no answers", highlight=False, markup=False)
        else:
            console.print(f"  {d['status']:9} {d['document']}  ({d['answers']} answers)", highlight=False, markup=False)
    attrs = ", ".join(f"{k} ({t})" for k, t in result["attributes"].items()) or "-"
    console.print(f"  attributes: {attrs}", highlight=False, markup=False)
    return 0
