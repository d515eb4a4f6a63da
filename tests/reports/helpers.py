"""Reading a built report in tests: its tables by sheet name, as the text shown."""

from cpqa.reports.document import Report, Table


def table(report: Report, sheet: str) -> Table:
    found = [t for t in report.tables() if t.sheet == sheet]
    assert len(found) == 1, [t.sheet for t in report.tables()]
    return found[0]


def texts(found: Table) -> list[list[str]]:
    """Each row as the text shown, a rating written after the value: "66.7% red"."""
    return [
        [cell.text + (f" {cell.tag}" if cell.tag else "") for cell in row] for row in found.rows
    ]


def row(found: Table, first: str) -> list[str]:
    """The row whose first cell is `first`, without that cell."""
    rows = [r[1:] for r in texts(found) if r[0] == first]
    assert len(rows) == 1, texts(found)
    return rows[0]


def headers(found: Table) -> list[str]:
    return [column.header for column in found.columns]


def all_text(report: Report) -> str:
    """Every word of the report's sections (paragraphs, lists, figures, tables)."""
    parts: list[str] = [*report.summary]

    def walk(blocks):
        for block in blocks:
            kind = getattr(block, "block", "")
            if kind in ("paragraph", "inset"):
                parts.append(block.text)
            elif kind == "bullets":
                parts.extend(block.items)
            elif kind == "figures":
                parts.extend(f"{label}: {value}" for label, value in block.items)
            elif kind == "table":
                parts.append(block.title)
                parts.extend(" | ".join(r) for r in texts(block))
            elif kind == "chart":
                parts.append(block.chart.alt)
            elif kind == "section":
                parts.append(block.heading)
                walk(block.blocks)

    for section in report.sections:
        parts.append(section.heading)
        walk(section.blocks)
    return "\n".join(parts)
