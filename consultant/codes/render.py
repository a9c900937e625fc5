"""Terminal rendering of a code page (``consultant codes show``)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def print_page(info: dict[str, Any]) -> None:
    console = Console()
    console.print(f"[bold]{info['code']}[/bold]  {info['system']} · {info['section']}")
    if info["description"]:
        console.print(info["description"])
    if info["plain"]:
        console.print(f"[dim]In plain words:[/dim] {info['plain']}")
    note = info.get("note") or {}
    if note.get("synonyms"):
        console.print(f"[dim]Also called:[/dim] {', '.join(note['synonyms'])}")
    for line in note.get("distinctions", []):
        console.print(f"• {line}")
    if info["fee_schedule"]:
        table = Table(
            "release",
            "mod",
            "status",
            "work",
            "NF total",
            "F total",
            "CF",
            "NF pay",
            "F pay",
            "global",
        )
        for f in info["fee_schedule"]:
            table.add_row(
                f["release"],
                f["modifier"],
                f["status"],
                f["work_rvu"],
                f["nf_total"],
                f["f_total"],
                f["conversion_factor"],
                "$" + f["nf_payment"],
                "$" + f["f_payment"],
                f["global_days"],
            )
        console.print(table)
        first = info["fee_schedule"][0]
        if first.get("work_rank"):
            r = first["work_rank"]
            console.print(
                f"Work RVU at the {r['percentile']}th percentile of {r['codes']} {r['section']} codes."
            )
        console.print(f"Global: {first['global_meaning']}")
        for name, (value, meaning) in first["indicators"].items():
            console.print(f"  {name}: {value} {meaning}")
    ptp = info["ptp"]
    if ptp["release"]:
        console.print(
            f"PTP ({ptp['release']}): column 1 in {ptp['as_column1']} active edits, "
            f"column 2 in {ptp['as_column2']}."
        )
        for e in ptp["edits"]:
            console.print(
                f"  {e['column1']}/{e['column2']} indicator {e['modifier_indicator']}: {e['rationale']}"
            )
    if info["mue"]:
        m = info["mue"]
        console.print(f"MUE: {m['units']} (MAI {m['mai']}: {m['meaning']})")
    if info["addon"]["primaries"]:
        console.print(
            f"Add-on code; primaries include {', '.join(info['addon']['primaries'][:10])}"
        )
    if info["addon"]["addons"]:
        console.print(f"Add-on codes for it: {', '.join(info['addon']['addons'][:10])}")
    if info["related"]:
        console.print(f"Related: {', '.join(info['related'])}")
    for source in info["sources"]:
        console.print(f"[dim]Source:[/dim] {source}")
