"""The click group and the shared error handling."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from . import zh  # noqa: F401  click's own messages in Chinese

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 160  # pipes and files get a readable width, not 80
    return Console(stderr=stderr, highlight=False, width=width)


class Group(click.Group):
    """Turns any unexpected exception into a short Chinese message and exit code 3."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(EXIT_OK)
        except Exception as e:  # noqa: BLE001 - the last line of defence against tracebacks
            click.echo(f"perfeval 内部错误（PE502）：{type(e).__name__}: {e}\n请将输入文件和这条信息反馈给维护者。", err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="perfeval")
def main() -> None:
    """perfeval：项目支出绩效自评的申报、校验、评分、复核与出表。"""
