"""`chaosflow systems ...` commands."""

import typer

app = typer.Typer(help="Browse the system catalog.", no_args_is_help=True)
