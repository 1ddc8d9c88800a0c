"""The command line: check, parse, rules, explain, convert (and fmt, lsp where installed).

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config or
input error.  Heavy modules are imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from budgetlint import __version__
from budgetlint.checkcmd import CHECK_OPTIONS, UsageProblem, color_args, default_lang, run_check


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


def _check_options(fn):
    """The click options of `check`, from the one table in budgetlint.checkcmd."""
    for opt in reversed(CHECK_OPTIONS):
        kind = opt.kind
        if kind == "switch":
            fn = click.option("/".join(opt.flags), opt.dest, default=opt.default, help=opt.help)(fn)
        elif kind == "flag":
            fn = click.option(*opt.flags, opt.dest, is_flag=True, help=opt.help)(fn)
        elif kind == "multi":
            fn = click.option(*opt.flags, opt.dest, multiple=True, help=opt.help)(fn)
        else:
            types = {
                "choice": click.Choice(list(opt.choices)),
                "color": click.Choice(list(opt.choices)),
                "int": click.IntRange(min=opt.minimum) if opt.minimum is not None else int,
                "path": click.Path(path_type=Path, dir_okay=False),
                "text": str,
            }
            fn = click.option(
                *opt.flags,
                opt.dest,
                type=types[kind],
                default=opt.default,
                show_default=opt.default is not None,
                help=opt.help,
            )(fn)
    return fn


class _CheckCommand(click.Command):
    """`check`, its colour options read as `--color=WHEN` (budgetlint.checkcmd.color_args)."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, color_args(args))


@main.command(cls=_CheckCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_check_options
def check(**options):
    """Check documents and folders for contradictions (default: the current folder; `-`: standard input)."""
    try:
        code = run_check(**options)
    except UsageProblem as problem:
        raise click.UsageError(str(problem)) from None
    sys.exit(code)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "rich"]), default="json", show_default=True)
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None)
def parse(file, fmt, config_path):
    """Print the typed model of FILE (projects, funding, indicators) as read."""
    import json

    from budgetlint.config import ConfigError, config_for, read_config_file
    from budgetlint.engine import Linter
    from budgetlint.io import blocks_of, read_source
    from budgetlint.model import to_data
    from budgetlint.runner import Guard, shown_name

    bugs: list = []
    shown = shown_name(str(file))
    with Guard(shown, bugs):  # the guard of every command: an unreadable file or a bug of ours is one line, exit 2
        try:
            config = (read_config_file(config_path) if config_path else None) or config_for(file)
        except ConfigError as error:
            _fail(str(error))
        source = read_source(file, shown)
        linter = Linter(config)
        document = linter.reader.read(blocks_of(source), source.path)
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
    for bug in bugs:
        _fail(str(bug))


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
        click.echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "family": r.family,
                        "severity": r.severity,
                        "kind": r.kind,
                        "summary": r.summary.get(lang, ""),
                        "fixable": r.fixable,
                        "params": {
                            p.name: str(p.default) if not isinstance(p.default, (list, tuple)) else list(p.default)
                            for p in r.params.values()
                        },
                    }
                    for r in catalogue
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
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


_LAZY_COMMANDS = {
    "convert": ("budgetlint.convert", "convert_command"),
    "fmt": ("budgetlint.fmt", "fmt_command"),
    "lsp": ("budgetlint.lsp", "lsp_command"),
}
