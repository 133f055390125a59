"""Draw packed boxes in 3D (matplotlib, an optional extra)."""

from __future__ import annotations

from pathlib import Path

from shipopt.domain.packing import PackedBox


def plot_boxes(
    boxes: list[PackedBox], path: Path, inner: dict[str, tuple[float, float, float]]
) -> None:
    """One 3D panel per box: its inner outline and each placed unit, in inches."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    cols = min(3, max(1, len(boxes)))
    rows = -(-len(boxes) // cols)
    fig = plt.figure(figsize=(5 * cols, 4.5 * rows))
    colors = plt.get_cmap("tab20")
    skus = sorted({p.sku for b in boxes for p in b.placements})
    for n, box in enumerate(boxes, 1):
        ax = fig.add_subplot(rows, cols, n, projection="3d")
        W, D, H = inner.get(
            box.box,
            tuple(float(x.to("in")) for x in (box.outer.length, box.outer.width, box.outer.height)),
        )
        for p in box.placements:
            x, y, z = (float(v.to("in")) for v in (p.x, p.y, p.z))
            dx, dy, dz = (float(v.to("in")) for v in (p.length, p.width, p.height))
            corners = [
                (x, y, z),
                (x + dx, y, z),
                (x + dx, y + dy, z),
                (x, y + dy, z),
                (x, y, z + dz),
                (x + dx, y, z + dz),
                (x + dx, y + dy, z + dz),
                (x, y + dy, z + dz),
            ]
            faces = [
                [corners[i] for i in f]
                for f in (
                    (0, 1, 2, 3),
                    (4, 5, 6, 7),
                    (0, 1, 5, 4),
                    (2, 3, 7, 6),
                    (1, 2, 6, 5),
                    (0, 3, 7, 4),
                )
            ]
            ax.add_collection3d(
                Poly3DCollection(
                    faces,
                    facecolor=colors(skus.index(p.sku) % 20),
                    edgecolor="k",
                    linewidths=0.4,
                    alpha=0.75,
                )
            )
        ax.set_xlim(0, W)
        ax.set_ylim(0, D)
        ax.set_zlim(0, H)
        ax.set_box_aspect((W, D, H))
        ax.set_title(
            f"{box.box}: {len(box.placements)} units, fill {float(box.fill_rate):.0%}", fontsize=9
        )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
