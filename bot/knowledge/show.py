"""``kb show``: the knowledge base as an admin reads it, every fact with its source."""
from __future__ import annotations

from .base import KnowledgeBase
from .labels import TOPIC_LABELS, format_value


def render_kb(kb: KnowledgeBase, product: str | None = None) -> str:
    """Facts grouped by product and topic, with figure, wording and citation; then the conflicts."""
    lines: list[str] = []
    for p in kb.products:
        if product and p.id != product:
            continue
        facts = [f for f in kb.facts if f.product == p.id]
        if p.kind == "outside":
            lines += [f"■ {p.name} ({p.id})  资料没有覆盖；提到这些名字（且没提到已知产品）的问题会被婉拒：",
                      f"    {'、'.join(p.aliases)}", ""]
        if not facts:
            continue
        aliases = "、".join(p.aliases[:8])
        lines.append(f"■ {p.name} ({p.id})" + (f"  别名：{aliases}" if aliases else ""))
        topic = None
        for fact in sorted(facts, key=lambda f: list(TOPIC_LABELS).index(f.topic)):
            if fact.topic != topic:
                topic = fact.topic
                lines.append(f"  [{TOPIC_LABELS[topic]}]")
            figure = format_value(fact)
            label = f"{fact.label}：" if fact.label else ""
            lines.append(f"    - {label}{figure + '  ' if figure else ''}{fact.text}")
            lines.append(f"      来源：{kb.cite(fact.source)}  ({fact.id})")
        lines.append("")
    conflicts = [c for c in kb.conflicts if not product or c.product == product]
    if conflicts:
        lines.append("■ 资料之间的出入")
        for c in conflicts:
            lines.append(f"  - [{c.kind}] {c.text}  ({', '.join(c.facts)})")
    return "\n".join(lines).rstrip() + "\n"
