"""The command line: check, parse, rules, explain (and fmt, lsp where installed).

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config or
input error.  Heavy modules are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from budgetlint import __version__

FORMATS = ["rich", "concise", "json", "sarif", "github"]


def default_lang() -> str:
    for variable in ("BUDGETLINT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else ("en" if variable != "BUDGETLINT_LANG" else value[:2])
    return "zh"


def _lang_option(fn):
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=None,
        help="Language of messages (default: from the locale; zh for zh_*).",
    )(fn)


def _fail(message: str) -> None:
    click.echo(f"budgetlint: {message}", err=True)
    sys.exit(2)


class _Commands(click.Group):
    """Commands in modules of their own (fmt, lsp) are imported only when they run: `check` starts faster."""

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx, name):
        if name in _LAZY_COMMANDS and name not in self.commands:
            from importlib import import_module

            module_name, attribute = _LAZY_COMMANDS[name]
            self.add_command(getattr(import_module(module_name), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budgetlint")
def main() -> None:
    """budgetlint — consistency checks for 预算绩效目标表 (budget performance target tables)."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="rich", show_default=True)
@_lang_option
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="Lowest severity that makes the exit code 1 (default: error).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Use this config file instead of the one found upward from each file.")
@click.option("--select", default=None, help="Comma-separated codes or prefixes to check (replaces config).")
@click.option("--ignore", default=None, help="Comma-separated codes or prefixes to skip (adds to config).")
@click.option("--fiscal-year", type=int, default=None, help="Fiscal year, overriding the documents' own.")
@click.option("--color/--no-color", default=None, help="Force or disable colour in rich output.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes; 0 = automatic (a pool only for 16 files or more).")
@click.option("--fix", is_flag=True, help="Apply the safe fixes to the files, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix, apply the unsafe fixes too (review the result).")
def check(paths, fmt, lang, fail_on, config_path, select, ignore, fiscal_year, color, output, jobs, fix,
          unsafe_fixes):
    """Check documents and folders for contradictions (default: the current folder)."""
    from budgetlint.config import ConfigError
    from budgetlint.reporters import Options, render
    from budgetlint.runner import Runner

    if unsafe_fixes and not fix:
        raise click.UsageError("--unsafe-fixes only takes effect with --fix")
    overrides = _overrides(select, ignore, fiscal_year)
    try:
        runner = Runner(lang=lang or default_lang(), config_path=config_path, overrides=overrides,
                        keep_sources=fmt == "rich")
    except ConfigError as error:
        _fail(str(error))
    if fix:
        from budgetlint.fixes import fix_paths

        summary = fix_paths(runner, list(paths) or [Path(".")], unsafe=unsafe_fixes)
        for problem in summary.errors:
            click.echo(f"budgetlint: {problem}", err=True)
        click.echo(f"budgetlint: {summary.describe()}", err=True)
    result = runner.check_paths(list(paths) or [Path(".")], jobs=jobs)
    catalogue = next(iter(runner.linters.values())).catalogue if runner.linters else None
    if catalogue is None:
        from budgetlint.rules import load_catalogue

        catalogue = load_catalogue()
    options = Options(lang=runner.lang, color=color, catalogue=catalogue)
    if output is not None:
        with output.open("w", encoding="utf-8") as stream:
            render(fmt, result, stream, options)
    else:
        render(fmt, result, sys.stdout, options)
    threshold = fail_on or _configured_fail_on(runner) or "error"
    sys.exit(2 if fix and summary.errors else result.exit_code(threshold))


def _overrides(select: str | None, ignore: str | None, fiscal_year: int | None) -> dict:
    from budgetlint.config import ConfigError, _codes
    from budgetlint.rules import load_catalogue

    overrides: dict = {}
    catalogue = load_catalogue()
    try:
        if select:
            overrides["select"] = _codes([s for s in select.split(",") if s], "--select", catalogue)
        if ignore:
            overrides["extend_select"] = ()
            overrides["ignore"] = _codes([s for s in ignore.split(",") if s], "--ignore", catalogue)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    if fiscal_year is not None:
        overrides["fiscal_year"] = fiscal_year
    return overrides


def _configured_fail_on(runner) -> str | None:
    for linter in runner.linters.values():
        if linter.config.fail_on:
            return linter.config.fail_on
    return None


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "rich"]), default="json", show_default=True)
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None)
def parse(file, fmt, config_path):
    """Print the typed model of FILE (projects, funding, indicators) as read."""
    import json

    from budgetlint.config import ConfigError, config_for, read_config_file
    from budgetlint.engine import Linter
    from budgetlint.io import InputError, read_source
    from budgetlint.model import to_data

    try:
        config = (read_config_file(config_path) if config_path else None) or config_for(file)
        source = read_source(file, str(file))
    except (ConfigError, InputError) as error:
        _fail(str(error))
    linter = Linter(config)
    document = linter.parse(source.text, source.path)
    data = {
        "version": "1.0",
        "path": source.path,
        "encoding": source.encoding,
        "metadata": {key: value for key, (value, _) in document.metadata.items()},
        "projects": [to_data(project) for project in document.projects],
    }
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        from budgetlint.reporters.model_tree import render_model

        render_model(document, sys.stdout)


@main.command("rules")
@_lang_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(lang, fmt):
    """List every rule: code, name, default severity and summary."""
    import json

    from budgetlint.rules import load_catalogue

    lang = lang or default_lang()
    catalogue = load_catalogue()
    if fmt == "json":
        click.echo(json.dumps([
            {"code": r.code, "name": r.name, "family": r.family, "severity": r.severity, "kind": r.kind,
             "summary": r.summary.get(lang, ""), "fixable": r.fixable,
             "params": {p.name: str(p.default) if not isinstance(p.default, (list, tuple)) else list(p.default)
                        for p in r.params.values()}}
            for r in catalogue
        ], ensure_ascii=False, indent=2))
        return
    family = None
    for rule in catalogue:
        if rule.family != family:
            family = rule.family
            title = catalogue.families.get(family, {}).get(lang, family)
            click.echo(f"\n{title}")
        fixable = " (fix)" if rule.fixable else ""
        click.echo(f"  {rule.code}  {rule.name:<32} {rule.severity:<8} {rule.summary.get(lang, '')}{fixable}")


@main.command()
@click.argument("code")
@_lang_option
def explain(code, lang):
    """Show a rule's documentation: what it finds, why, its parameters and examples."""
    from budgetlint.explain import explain_text
    from budgetlint.rules import load_catalogue

    rule = load_catalogue().get(code)
    if rule is None:
        _fail(f"unknown rule {code!r} (see `budgetlint rules`)")
    click.echo(explain_text(rule, lang or default_lang()))


_LAZY_COMMANDS = {"fmt": ("budgetlint.fmt", "fmt_command"), "lsp": ("budgetlint.lsp", "lsp_command")}
