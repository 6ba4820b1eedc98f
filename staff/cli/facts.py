"""`python -m bot facts`: every general fact with its figures and source, for staff review."""

from __future__ import annotations

import click

from bot.knowledge.facts import Fact, load_facts, topics


def _row(f: Fact) -> tuple[str, str, str, str]:
    source = f"{f.source.document} § {f.source.section}"
    if f.source.cites:
        source += f" [{f.source.cites}]"
    return (f.id, f.topic, ", ".join(f.figures) or "-", source)


@click.command("facts")
@click.option("--topic", default=None, help="Only facts with this topic (see the TOPIC column).")
@click.option(
    "--text/--no-text", "show_text", default=False, help="Also print each fact's patient-facing text."
)
def facts_command(topic: str | None, show_text: bool) -> None:
    """List the general regimen facts with their figures and sources."""
    facts = load_facts()
    if topic is not None:
        if topic not in topics():
            known = ", ".join(topics())
            raise click.BadParameter(f"unknown topic {topic!r}; known: {known}", param_hint="--topic")
        facts = tuple(f for f in facts if f.topic == topic)
    header = ("ID", "TOPIC", "FIGURES", "SOURCE")
    rows = [_row(f) for f in facts]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]

    def line(cells: tuple[str, str, str, str]) -> str:
        padded = (cell.ljust(width) for cell, width in zip(cells[:3], widths, strict=True))
        return "  ".join((*padded, cells[3]))

    click.echo(line(header))
    click.echo(line(tuple("-" * w for w in (*widths, len(header[3])))))  # type: ignore[arg-type]
    for f, row in zip(facts, rows, strict=True):
        click.echo(line(row))
        if show_text:
            click.echo(f"    {f.text}")
    click.echo(f"\n{len(facts)} fact(s)")


if __name__ == "__main__":  # pragma: no cover
    facts_command()
