"""Charts of a plan as PNG (matplotlib, the ``plot`` extra): cost by carrier and service,
deliveries per promised day, and a map of the own fleet's routes."""

from __future__ import annotations

from pathlib import Path

from shipopt.domain.batch import Order, Warehouse
from shipopt.domain.plan import Plan, summarize
from shipopt.geo import ZipDirectory


def write_charts(
    plan: Plan,
    folder: Path,
    orders: dict[str, Order],
    warehouses: list[Warehouse],
    directory: ZipDirectory,
) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    totals = summarize(plan)
    paths: dict[str, Path] = {}
    costs = totals.cost_by_service
    if costs:
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(costs) + 1.5))
        names = list(costs)[::-1]
        ax.barh(names, [float(costs[k]) for k in names], color="#3b75af")
        ax.set_xlabel("USD")
        ax.set_title(f"Shipping cost by carrier and service ({plan.strategy})")
        fig.tight_layout()
        paths["cost_by_service"] = folder / "cost_by_service.png"
        fig.savefig(paths["cost_by_service"], dpi=110)
        plt.close(fig)
    days = totals.deliveries_by_day
    if days:
        fig, ax = plt.subplots(figsize=(8, 3.5))
        ax.bar(list(days), list(days.values()), color="#519e3e")
        ax.set_ylabel("shipments")
        ax.set_title("Deliveries per promised day")
        ax.tick_params(axis="x", rotation=45)
        fig.tight_layout()
        paths["deliveries_per_day"] = folder / "deliveries_per_day.png"
        fig.savefig(paths["deliveries_per_day"], dpi=110)
        plt.close(fig)
    routes: dict[str, list[tuple[int, str, str]]] = {}
    for o in plan.orders:
        for s in o.shipments:
            if s.route and s.stop is not None:
                routes.setdefault(s.route, []).append((s.stop, o.order_id, s.warehouse))
    if routes:
        homes = {w.id: directory.resolve(w.postal_code) for w in warehouses}
        depots = sorted({stops[0][2] for stops in routes.values()})
        fig, axes = plt.subplots(1, len(depots), figsize=(6 * len(depots), 6), squeeze=False)
        colors = plt.get_cmap("tab10")
        for ax, wid in zip(axes[0], depots, strict=True):
            home = homes[wid]
            mine = sorted((r, st) for r, st in routes.items() if st[0][2] == wid)
            for k, (route, stops) in enumerate(mine):
                stops.sort()
                pts = [(home.lon, home.lat)]
                for _, oid, _ in stops:
                    p = directory.resolve(orders[oid].destination.postal_code)
                    pts.append((p.lon, p.lat))
                pts.append((home.lon, home.lat))
                xs, ys = zip(*pts, strict=True)
                label = f"{route} ({len(stops)} stops)"
                ax.plot(xs, ys, "-o", ms=3, lw=1, color=colors(k % 10), label=label)
            ax.plot(home.lon, home.lat, "ks", ms=9)
            ax.set_title(f"Own-fleet routes from {wid}")
            ax.set_xlabel("longitude")
            ax.set_ylabel("latitude")
            ax.legend(fontsize=7)
        fig.tight_layout()
        paths["routes"] = folder / "routes.png"
        fig.savefig(paths["routes"], dpi=110)
        plt.close(fig)
    return paths
