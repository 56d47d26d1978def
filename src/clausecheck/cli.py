"""The command line (click). Heavy libraries are imported inside commands, so `--help` is fast."""

from __future__ import annotations

import sys
import traceback
from dataclasses import replace
from pathlib import Path

import click

from clausecheck import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITY_CHOICES = ("high", "medium", "low")


class ContractTypeChoice(click.Choice):
    """`--type`: auto or a contract type of rules/profiles.yaml.

    The ids are read when click first needs them (parsing, a command's help), not at import:
    reading YAML at import would load PyYAML for `clausecheck --help` too."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from clausecheck.vocabulary import CONTRACT_TYPES  # read on first use: see the docstring

        return ("auto", *CONTRACT_TYPES)

    @choices.setter
    def choices(self, _value) -> None:
        pass  # click.Choice.__init__ assigns its (empty) list; the ids always come from the profiles


class Failure(click.ClickException):
    """A coded error printed as one line; exit code 2."""

    exit_code = EXIT_ERROR

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        # One line, prefixed with the program name, so that logs of many runs stay greppable.
        click.echo(f"clausecheck: {self.format_message()}", err=True, file=file)


def _debug_option(command):
    """`--debug` accepted after the command too (`clausecheck check x.pdf --debug`)."""

    def remember(ctx: click.Context, _param, value: bool) -> None:
        if value:
            ctx.ensure_object(dict)["debug"] = True
            ctx.find_root().ensure_object(dict)["debug"] = True

    return click.option("--debug", is_flag=True, expose_value=False, callback=remember, help="Show tracebacks on errors.")(command)


def _fail(error: Exception, debug: bool) -> None:
    from clausecheck.errors import ClausecheckError

    if debug:
        traceback.print_exc()
    if isinstance(error, ClausecheckError):
        raise Failure(str(error)) from None
    raise Failure(f"[E300] internal error: {type(error).__name__}: {error} (run with --debug for the traceback)") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=lambda ctx, _p, v: _print_version(ctx) if v else None, help="Show the version of the program, its rules and its topic model, and exit.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Pre-screen partner contracts (Japanese and English) before signing.

    \b
    Examples:
      clausecheck check contract.docx --party 乙 -o memo.html
      clausecheck check nda.pdf --format json
      clausecheck batch contracts/ -o review/
      clausecheck parse contract.pdf
      clausecheck rules list

    \b
    Exit codes: 0 done, nothing at or above --fail-on; 1 findings at or above
    --fail-on; 2 usage, input or rule errors (one line with a code, e.g. [E106]).
    Not legal advice: a pre-screen that points at clauses to discuss.
    """
    state = ctx.ensure_object(dict)
    state["debug"] = debug or state.get("debug", False)


def _print_version(ctx: click.Context) -> None:
    """`clausecheck 0.1.0 (rules …, topic model …)`: what a report's `tool` names."""
    from clausecheck.pipeline import rule_pack
    from clausecheck.topicmodel.model import shipped_version

    click.echo(f"clausecheck {__version__} (rules {rule_pack().version}, topic model {shipped_version() or 'none'})")
    ctx.exit()


def _settings(rules, lang, party, contract_type, memo_lang, password=None, max_size=None, changes="accepted", ocr="auto", no_model=False):
    from clausecheck.engine.runner import CheckOptions
    from clausecheck.parsers import ReadOptions
    from clausecheck.pipeline import Settings

    read = ReadOptions(password=password, changes=changes, ocr=ocr) if max_size is None else ReadOptions(password=password, max_bytes=int(max_size * 1024 * 1024), changes=changes, ocr=ocr)
    return Settings(
        rules_dirs=tuple(str(Path(r)) for r in rules),
        language=None if lang == "auto" else lang,
        check=CheckOptions(party=party, contract_type=None if contract_type == "auto" else contract_type, memo_language=None if memo_lang == "auto" else memo_lang, use_model=not no_model),
        read=read,
    )


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--party", metavar="ALIAS", help="Your side, as the contract names it (乙, Licensee, Acme KK).")
@click.option("--lang", type=click.Choice(["auto", "en", "ja"]), default="auto", show_default=True, help="Contract language.")
@click.option("--type", "contract_type", type=ContractTypeChoice(), default="auto", show_default=True, help="Contract type (decides the required elements).")
@click.option("--memo-lang", type=click.Choice(["auto", "en", "ja"]), default="auto", show_default=True, help="Language of the memo.")
@click.option("--rules", "rules", multiple=True, type=click.Path(file_okay=False, exists=True), help="Extra rule pack folder (adds, overrides or disables rules). Repeatable.")
@click.option("--format", "output_format", type=click.Choice(["html", "json", "md", "docx", "sarif"]), default="html", show_default=True, help="sarif: SARIF 2.1.0 for code-scanning tools.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file (one input) or folder (several). Default: stdout for json/md, FILE.memo.html for html.")
@click.option("--fail-on", type=click.Choice(SEVERITY_CHOICES), default=None, help="Exit 1 when a finding at or above this severity is found.")
@click.option("--password", help="Password of an encrypted PDF.")
@click.option("--max-size", type=float, help="Largest input file to accept, in MB (default 50).")
@click.option("--changes", type=click.Choice(["accepted", "original"]), default="accepted", show_default=True, help="Tracked changes of a .docx: check the text with them accepted, or as it was before them.")
@click.option("--redline", is_flag=True, help="With --format docx: write each suggested wording over the flagged sentence as a tracked change.")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True, help="Read scanned PDF pages with Tesseract (the ocr extra): auto = pages without a text layer.")
@click.option("--no-model", is_flag=True, help="Rules only: do not let the trained topic model find topics the rules miss.")
@_debug_option
@click.pass_context
def check(ctx, files, party, lang, contract_type, memo_lang, rules, output_format, output, fail_on, password, max_size, changes, redline, ocr, no_model):
    """Check contracts and write a review memo.

    \b
    Examples:
      clausecheck check 共同研究開発契約書.docx --party 乙
      clausecheck check nda.md --format json -o nda.json
      clausecheck check draft.docx --format docx -o draft.reviewed.docx
      clausecheck check *.pdf --fail-on high -o memos/
      clausecheck check draft.docx --format docx --redline -o draft.redline.docx
      clausecheck check contract.pdf --format sarif -o contract.sarif
    """
    debug = ctx.obj["debug"]
    if redline and output_format != "docx":
        raise click.UsageError("--redline writes a Word file: use it with --format docx")
    from clausecheck.errors import ClausecheckError
    from clausecheck.model import SEVERITY_ORDER
    from clausecheck.pipeline import check_file
    from clausecheck.report.output import write_report

    folders = [path for path in files if path.is_dir()]
    if folders:
        raise Failure(f"[E101] {folders[0]}: is a folder; use `clausecheck batch {folders[0]}` to check every contract in it")
    settings = _settings(rules, lang, party, contract_type, memo_lang, password, max_size, changes, ocr=ocr, no_model=no_model)
    worst = -1
    errors = 0
    written: set[Path] = set()
    for path in files:
        try:
            report = check_file(path, settings)
            if party and report.perspective is None:
                # A memo written from no side after the user asked for one would read as a
                # neutral all-clear: refuse, and say which sides the contract has.
                sides = "; ".join(f"{p.id}: {' / '.join(p.all_names)}" for p in report.document.parties) or "none found"
                click.echo(f"clausecheck: [E113] {path}: --party {party!r} matches no party of this contract (its parties: {sides})", err=True)
                errors += 1
                continue
            destination = write_report(report, output_format, output, several=len(files) > 1, redline=redline, taken=written)
        except ClausecheckError as error:
            if len(files) == 1:
                _fail(error, debug)
            click.echo(f"clausecheck: {error}", err=True)
            errors += 1
            continue
        except Exception as error:  # noqa: BLE001 - report as E300 and go on
            if len(files) == 1:
                _fail(error, debug)
            click.echo(f"clausecheck: [E300] {path}: {type(error).__name__}: {error}", err=True)
            errors += 1
            continue
        if destination:
            summary = report.summary()
            click.echo(f"{path}: high {summary['high']}, medium {summary['medium']}, low {summary['low']}, missing {summary['missing']} → {destination}", err=True)
        for finding in report.findings:
            if finding.kind != "note":
                worst = max(worst, SEVERITY_ORDER[finding.severity])
    if errors:
        sys.exit(EXIT_ERROR)
    if fail_on and worst >= SEVERITY_ORDER[fail_on]:
        sys.exit(EXIT_FINDINGS)


@main.command(short_help="Compare a draft with your own template: clauses missing, added, changed, moved.")
@click.argument("draft", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--template", "template", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Your own template (ひな型): .docx, .pdf, .txt or .md.")
@click.option("--party", metavar="ALIAS", help="Your side, as the draft names it (乙, Licensee, Acme KK).")
@click.option("--lang", type=click.Choice(["auto", "en", "ja"]), default="auto", show_default=True, help="Language of both contracts.")
@click.option("--type", "contract_type", type=ContractTypeChoice(), default="auto", show_default=True, help="Contract type (decides the required elements).")
@click.option("--memo-lang", type=click.Choice(["auto", "en", "ja"]), default="auto", show_default=True, help="Language of the memo.")
@click.option("--rules", "rules", multiple=True, type=click.Path(file_okay=False, exists=True), help="Extra rule pack folder. Repeatable.")
@click.option("--format", "output_format", type=click.Choice(["html", "json", "md", "sarif"]), default="html", show_default=True, help="sarif: the draft's findings and each deviation from the template as results.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file. Default: stdout for json/md, DRAFT.compare.html for html.")
@click.option("--changes", type=click.Choice(["accepted", "original"]), default="accepted", show_default=True, help="Tracked changes of a .docx draft: compare it with them accepted, or as it was before them.")
@_debug_option
@click.pass_context
def compare(ctx, draft, template, party, lang, contract_type, memo_lang, rules, output_format, output, changes):
    """Compare DRAFT with your template: the memo of the draft plus where it departs from the template.

    Clauses are aligned by text similarity, heading and number: template clauses missing
    from the draft, draft clauses the template does not have (ひな型外条文), changed clauses
    with a word (English) or character (Japanese) diff, and moved clauses. Renumbering alone
    is not a change. The draft's findings that the template does not have are listed too.

    \b
    Examples:
      clausecheck compare 相手方ドラフト.docx --template 当社ひな型.docx --party 乙
      clausecheck compare draft.pdf --template ours.md --format json -o comparison.json
    """
    from clausecheck.compare import compare_reports
    from clausecheck.pipeline import check_file
    from clausecheck.report.output import write_report

    settings = _settings(rules, lang, party, contract_type, memo_lang, changes=changes)
    try:
        report = compare_reports(check_file(draft, settings), check_file(template, _settings(rules, lang, None, contract_type, memo_lang)))
        if output is None and output_format == "html":
            output = draft.with_name(draft.stem + ".compare.html")
        destination = write_report(report, output_format, output)
    except Exception as error:  # noqa: BLE001
        _fail(error, ctx.obj["debug"])
    summary = report.comparison.as_dict()["summary"]
    if destination:
        click.echo(f"{draft}: {summary['missing']} missing, {summary['added']} added, {summary['changed']} changed, {summary['moved']} moved, "
                   f"{summary['renumbered']} renumbered, {summary['new_findings']} findings the template does not have → {destination}", err=True)


@main.command(short_help="Check every contract in a folder: memos, results.jsonl, summary.csv, index.html.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("review"), show_default=True, help="Folder for the memos, results.jsonl, summary.csv and index.html.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU).")
@click.option("--include", multiple=True, metavar="GLOB", help="Only files whose relative path or name matches (repeatable), e.g. '*.pdf'.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files whose relative path or name matches (repeatable), e.g. 'drafts/*'.")
@click.option("--party", metavar="ALIAS", help="Your side, as the contracts name it (乙, Licensee, Acme KK).")
@click.option("--lang", type=click.Choice(["auto", "en", "ja"]), default="auto", show_default=True, help="Contract language.")
@click.option("--type", "contract_type", type=ContractTypeChoice(), default="auto", show_default=True, help="Contract type for every file.")
@click.option("--memo-lang", type=click.Choice(["auto", "en", "ja"]), default="auto", show_default=True, help="Language of the memos and the index.")
@click.option("--rules", "rules", multiple=True, type=click.Path(file_okay=False, exists=True), help="Extra rule pack folder. Repeatable.")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True, help="Seconds one file may take before its worker is stopped (E301).")
@click.option("--force", is_flag=True, help="Check every file again, even those unchanged since the last run.")
@click.option("--max-size", type=click.FloatRange(min=0, min_open=True), default=50, show_default=True, help="Largest input file to accept, in MB (larger: E109).")
@click.option("--fail-on", type=click.Choice(SEVERITY_CHOICES), default=None, help="Exit 1 when any contract has a finding at or above this severity.")
@click.option("--template", "template", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Your own template: compare every contract with it (a deviations column).")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True, help="Read scanned PDF pages with Tesseract (the ocr extra): auto = pages without a text layer.")
@click.option("--no-model", is_flag=True, help="Rules only: do not let the trained topic model find topics the rules miss.")
@click.option("--follow-links", is_flag=True, help="Also read links that lead to files outside DIRECTORY.")
@click.option("--cluster", metavar="ADDRESS", help="Run on Dask: tcp://SCHEDULER:8786, or local[:N] for N local workers (needs clausecheck[cluster]).")
@click.option("--ship-files", is_flag=True, help="With --cluster: send each file's bytes to the workers instead of its path.")
@_debug_option
@click.pass_context
def batch(ctx, directory, output, jobs, include, exclude, party, lang, contract_type, memo_lang, rules, timeout, force, max_size, fail_on, template, ocr, no_model, follow_links, cluster, ship_files):
    """Check every contract under DIRECTORY (recursively) and write a portfolio review.

    Reads .docx, .pdf, .txt and .md files (and files whose content is a PDF or Word
    document whatever their name). Results are kept in OUTPUT/.clausecheck.sqlite: a second
    run checks only new or changed files. A file that cannot be read is listed with its
    error code and the run goes on. Interrupting (Ctrl-C) leaves a consistent OUTPUT;
    running again finishes the rest.

    \b
    Examples:
      clausecheck batch contracts/ -o review/
      clausecheck batch contracts/ -o review/ --party 乙 --include '*.docx' --jobs 4
      clausecheck batch contracts/ -o review/ --force --fail-on high
      clausecheck batch contracts/ -o review/ --cluster tcp://10.0.0.5:8786 --ship-files

    \b
    Exit codes: 0 done; 1 a finding at or above --fail-on; 2 a file or the rules could not
    be read; 130/143 interrupted by SIGINT/SIGTERM.
    """
    debug = ctx.obj["debug"]
    from clausecheck.batch import BatchOptions, progress_printer, run_batch
    from clausecheck.model import SEVERITY_ORDER

    if not directory.is_dir():
        raise Failure(f"[E101] {directory}: not a folder")
    settings = _settings(rules, lang, party, contract_type, memo_lang, None, max_size, ocr=ocr, no_model=no_model)
    if template:
        settings = replace(settings, template=str(template.resolve()))
    options = BatchOptions(jobs=jobs or 0, include=tuple(include), exclude=tuple(exclude), timeout=timeout, force=force, max_bytes=settings.read.max_bytes,
                           follow_links=follow_links, cluster=cluster, ship_files=ship_files)
    try:
        result = run_batch(directory, output, settings, options, progress=progress_printer(), notify=lambda text: click.echo(f"clausecheck: {text}", err=True))
    except Exception as error:  # noqa: BLE001
        _fail(error, debug)
    for path, code in result.failures:
        click.echo(f"clausecheck: [{code}] {path!r}", err=True)
    click.echo(
        f"{result.found} files: {result.checked} checked, {result.reused} unchanged (reused), {result.failed} could not be read → {result.output}",
        err=True,
    )
    if result.interrupted:
        click.echo(f"clausecheck: interrupted by {result.interrupted}; run the same command again to finish", err=True)
        sys.exit(130 if result.interrupted == "SIGINT" else 143)
    if result.failed:
        sys.exit(EXIT_ERROR)
    if fail_on and result.worst >= SEVERITY_ORDER[fail_on]:
        sys.exit(EXIT_FINDINGS)


@main.command(short_help="Start a local web page for checking contracts (needs clausecheck[serve]).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; anything but loopback makes the page reachable from other machines.")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for uploads, memos and the history (default: clausecheck in your data folder).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: 2 at most).")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True, help="Seconds one file may take before its worker is stopped (E301).")
@click.option("--max-size", type=click.FloatRange(min=0, min_open=True), default=50, show_default=True, help="Largest upload to accept, in MB (larger: E109).")
@click.option("--rules", "rules", multiple=True, type=click.Path(file_okay=False, exists=True), help="Extra rule pack folder. Repeatable.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@_debug_option
@click.pass_context
def serve(ctx, port, host, data, jobs, timeout, max_size, rules, open_browser):
    """Serve the checker as a web page on this machine and print its address (with an access token).

    \b
    Examples:
      clausecheck serve
      clausecheck serve --port 9000 --data ~/contracts-review --open
    """
    try:
        from clausecheck.serve.server import default_data_folder, serve as run_server
        from clausecheck.serve.security import new_token
        from clausecheck.serve.workers import default_jobs
    except ImportError as error:
        raise Failure(f"[E300] clausecheck serve needs its extra: pip install 'clausecheck[serve]' ({error})") from None
    try:
        run_server(data or default_data_folder(), host, port, new_token(), jobs or default_jobs(), timeout, int(max_size * 1024 * 1024),
                   tuple(str(Path(r)) for r in rules), open_browser, lambda line: click.echo(line, err=True))
    except OSError as error:
        raise Failure(f"[E302] cannot serve on {host}:{port}: {error.strerror or error}") from None
    except Exception as error:  # noqa: BLE001
        _fail(error, ctx.obj["debug"])


@main.command(short_help="Show the clause structure as the checker sees it (for debugging).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the structure as JSON.")
@click.option("--lang", type=click.Choice(["auto", "en", "ja"]), default="auto", show_default=True)
@click.option("--password", help="Password of an encrypted PDF.")
@_debug_option
@click.pass_context
def parse(ctx, file, as_json, lang, password):
    """Show the structure as the checker sees it: clauses, headings, pages, parties, warnings.

    \b
    Example:
      clausecheck parse contract.pdf
      clausecheck parse contract.docx --json | jq '.clauses[].number'
    """
    from clausecheck.pipeline import read_document
    from clausecheck.report.json_report import dumps, parse_dict

    try:
        document = read_document(file, _settings((), lang, None, "auto", "auto", password))
    except Exception as error:  # noqa: BLE001
        _fail(error, ctx.obj["debug"])
    if as_json:
        click.echo(dumps(parse_dict(document)))
        return
    click.echo(f"file      {document.source.path} ({document.source.format}{', %d pages' % document.source.pages if document.source.pages else ''})")
    click.echo(f"language  {document.language}")
    click.echo(f"title     {document.title or '—'}")
    if document.effective_date:
        click.echo(f"date      {document.effective_date}")
    for party in document.parties:
        click.echo(f"party {party.id}   {' / '.join(party.all_names)}")
    for warning in document.warnings:
        click.echo(f"warning   [{warning.code}] {warning.message}")
    click.echo(f"clauses   {sum(1 for _ in document.all_clauses())} ({len(document.clauses)} top level), definitions {len(document.definitions)}")
    for clause in document.all_clauses():
        indent = "  " * max(clause.level - 1, 0)
        page = f" p{clause.page}" if clause.page else ""
        label = clause.number or f"[{clause.kind}]"
        heading = f" {clause.heading}" if clause.heading else ""
        first_line = " ".join(clause.text.split())[:70]
        click.echo(f"  {indent}{label}{heading}{page} — {first_line}")


@main.group()
def rules():
    """List, show, test and validate rules (built-in and your own packs)."""


def _pack(extra):
    from clausecheck.engine.loader import load_rules

    return load_rules(list(extra))


@rules.command("list")
@click.option("--rules", "extra", multiple=True, type=click.Path(file_okay=False, exists=True))
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en")
@_debug_option
@click.pass_context
def rules_list(ctx, extra, lang):
    """List every rule with its kind, topic, severity and languages."""
    try:
        pack = _pack(extra)
    except Exception as error:  # noqa: BLE001
        _fail(error, ctx.obj["debug"])
    for rule in sorted(pack.rules.values(), key=lambda r: (r.topic, r.id)):
        state = "disabled" if rule.disabled else rule.kind
        click.echo(f"{rule.id:44} {state:11} {rule.topic:28} {rule.severity:6} {','.join(rule.languages):5} {rule.text('title', lang)}")
    click.echo(f"{len(pack.rules)} rules, version {pack.version}", err=True)


@rules.command("show")
@click.argument("rule_id")
@click.option("--rules", "extra", multiple=True, type=click.Path(file_okay=False, exists=True))
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None, help="Only this language's texts and examples (default: both, as docs/rules/ENTRY.md).")
@_debug_option
@click.pass_context
def rules_show(ctx, rule_id, extra, lang):
    """Explain one rule: what it finds, why it matters, examples, what to use instead (the text of docs/rules/ID.md)."""
    from clausecheck.rule_docs import LANGUAGES, rule_page

    try:
        pack = _pack(extra)
    except Exception as error:  # noqa: BLE001
        _fail(error, ctx.obj["debug"])
    rule = pack.rules.get(rule_id)
    if rule is None:
        raise Failure(f"[E208] no rule {rule_id!r} (see `clausecheck rules list`)")
    click.echo(rule_page(rule, (lang,) if lang else LANGUAGES), nl=False)


@rules.command("docs")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/rules"), show_default=True, help="Folder of the rule pages.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a page is missing or out of date.")
@_debug_option
@click.pass_context
def rules_docs(ctx, output, check):
    """Write docs/rules/: one page per built-in rule and README.md, the table of all rules.

    \b
    Examples:
      clausecheck rules docs             # from the repository folder, after editing rules/
      clausecheck rules docs --check     # exit 1 when docs/rules/ is not what the rules say
    """
    from clausecheck.rule_docs import stale_pages, write_pages

    try:
        pack = _pack(())
    except Exception as error:  # noqa: BLE001
        _fail(error, ctx.obj["debug"])
    if check:
        stale = stale_pages(pack, output)
        for name in stale:
            click.echo(f"{output / name}: out of date")
        if stale:
            click.echo(f"{len(stale)} page(s) out of date: run `clausecheck rules docs`", err=True)
            sys.exit(EXIT_FINDINGS)
        return
    changed = write_pages(pack, output)
    click.echo(f"{len(changed)} page(s) written or removed in {output}", err=True)


@rules.command("test")
@click.argument("directory", required=False, type=click.Path(file_okay=False, exists=True))
@click.option("--rule", "rule_ids", multiple=True, help="Only this rule id (repeatable).")
@click.option("-v", "--verbose", is_flag=True, help="List every case, not only failures.")
@_debug_option
@click.pass_context
def rules_test(ctx, directory, rule_ids, verbose):
    """Run the rule fixtures (`ruleid:` must fire, `ok:` must not).

    With DIRECTORY, test that pack (layered over the built-in rules).
    """
    from clausecheck.rule_fixtures import run_fixtures

    try:
        pack = _pack([directory] if directory else [])
    except Exception as error:  # noqa: BLE001
        _fail(error, ctx.obj["debug"])
    if directory:
        folder = str(Path(directory))
        wanted = [r.id for r in pack.rules.values() if r.path.startswith(folder)]
        rule_ids = tuple(rule_ids) or tuple(wanted)
    results, problems = run_fixtures(pack, list(rule_ids) or None)
    failed = [r for r in results if not r.passed and not r.case.known_gap]
    gaps = [r for r in results if not r.passed and r.case.known_gap]
    for result in results:
        if verbose or (not result.passed):
            click.echo(str(result))
    for problem in problems:
        click.echo(problem)
    click.echo(f"{len(results) - len(failed) - len(gaps)} passed, {len(failed)} failed, {len(gaps)} known gaps, {len(problems)} fixture problems")
    if failed or problems:
        sys.exit(EXIT_FINDINGS)


@rules.command("validate")
@click.argument("directory", required=False, type=click.Path(file_okay=False, exists=True))
@_debug_option
@click.pass_context
def rules_validate(ctx, directory):
    """Check rule files for errors (all reported, with file:line and a code)."""
    from clausecheck.engine.loader import load_rules
    from clausecheck.errors import RuleError

    try:
        pack = load_rules([directory] if directory else [])
    except RuleError as error:
        click.echo(str(error))
        click.echo(f"{len(error.problems)} problem(s)", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # noqa: BLE001
        _fail(error, ctx.obj["debug"])
    click.echo(f"{len(pack.rules)} rules valid, version {pack.version}")


if __name__ == "__main__":
    main()
