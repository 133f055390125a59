"""Rich tables for quote responses."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shipopt.domain.quote import QuoteResponse


def quote_tables(response: QuoteResponse, console: Console) -> None:
    """The rates (with list and sell columns when an agreement or markup applies), their
    net charge lines, the ineligible services and the explanation."""
    listed = any(r.prices.list.total != r.total for r in response.rates)
    sold = any(r.prices.sell is not None for r in response.rates)
    table = Table(title="Rates", show_lines=False)
    prices = [*(["list"] if listed else []), "total", *(["sell"] if sold else [])]
    cols = ("#", "service", *prices, "zone", "billable", "days", "ships", "delivers", "tags")
    for col in cols:
        table.add_column(col, justify="right" if col in (*prices, "zone", "days") else "left")
    for i, r in enumerate(response.rates, 1):
        sell = r.prices.sell
        amounts = [
            *([f"{r.prices.list.total}"] if listed else []),
            f"{r.currency} {r.total}",
            *([f"{sell.total}" if sell else "-"] if sold else []),
        ]
        table.add_row(
            str(i),
            f"{r.key}" + (" *" if r.guaranteed else ""),
            *amounts,
            str(r.zone),
            f"{r.billable_weight.to('lb').normalize():f} lb",
            str(r.transit_days),
            r.ship_date.isoformat(),
            r.estimated_delivery.isoformat(),
            " ".join(t.value for t in r.tags),
        )
    console.print(table)
    breakdown = Table(title="Charges", show_header=True)
    breakdown.add_column("service")
    breakdown.add_column("breakdown")
    for r in response.rates:
        breakdown.add_row(
            escape(r.key), escape(" + ".join(f"{c.description} {c.amount}" for c in r.charges))
        )
    console.print(breakdown)
    if response.ineligible:
        inel = Table(title="Ineligible")
        for col in ("service", "reason", "why"):
            inel.add_column(col)
        for x in response.ineligible:
            inel.add_row(escape(f"{x.carrier}/{x.service}"), x.reason.value, escape(x.message))
        console.print(inel)
    console.print(f"[bold]{escape(response.explanation)}[/]", highlight=False)
    if any(r.guaranteed for r in response.rates):
        console.print("* guaranteed service", style="dim")
