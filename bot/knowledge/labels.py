"""Chinese names of topics and value formatting for admins and answers."""
from __future__ import annotations

from ..text.display import num
from .models import (
    Change,
    Fact,
    FeeRule,
    Money,
    MoneyRange,
    Months,
    Multiplier,
    Percent,
    Quantity,
    Rate,
    RateRange,
    Score,
    Stars,
    Text,
)

TOPIC_LABELS: dict[str, str] = {
    "platform": "所属平台", "positioning": "产品定位", "zhima_requirement": "芝麻分要求", "max_amount": "最高额度",
    "entry_tier": "入口与额度分层", "annual_rate": "年化利率", "daily_rate": "日利率", "average_rate": "平均利率",
    "overdue_penalty": "逾期罚息", "prepayment_fee": "提前还款费", "real_name_months": "实名认证时长",
    "account_activity": "账户活跃度", "asset_proof": "资产证明", "credit_dimension": "信用评估维度",
    "credit_weight": "评估权重", "data_layer": "数据来源", "algorithm": "算法模型", "limit_factor": "额度调整因素",
    "limit_adjustment": "额度管理", "anti_fraud": "反欺诈技术", "risk_control": "风控环节", "application": "申请与开通",
    "approval_time": "审批时效", "repayment_methods": "还款方式", "service": "服务体验", "risk_statistics": "风险数据",
    "acquisition_cost": "获客成本", "user_coverage": "用户覆盖率", "funding": "资金来源", "conversion": "转化率",
    "compliance": "合规措施", "cooperation": "微信与芝麻信用的合作", "future_plan": "未来规划",
}

PERIOD = {"day": "日", "month": "月", "year": "年化"}
OPS = {"=": "", ">": "超过", ">=": "至少", "<": "不到", "<=": "不超过", "~": "约"}


def format_value(fact: Fact) -> str:
    """Short display of a fact's figure, e.g. ``日 0.02%–0.05%`` or ``≥600分``."""
    v = fact.value
    if isinstance(v, Money):
        return f"{OPS[v.op]}{num(v.yuan)}元"
    if isinstance(v, MoneyRange):
        return f"{num(v.min_yuan)}–{num(v.max_yuan)}元"
    if isinstance(v, Rate):
        return f"{'固定' if v.fixed else ''}{PERIOD[v.period]}{num(v.percent)}%"
    if isinstance(v, RateRange):
        return f"{PERIOD[v.period]}{num(v.min_percent)}%–{num(v.max_percent)}%"
    if isinstance(v, Multiplier):
        return f"日息×{num(v.times)}" + ("+违约金" if v.late_fee else "")
    if isinstance(v, FeeRule):
        return "免收" if v.rule == "free" else "收取剩余天数利息"
    if isinstance(v, Months):
        return f"{OPS[v.op]}{v.months}个月"
    if isinstance(v, Score):
        return "不强制" if not v.required else f"≥{v.min}分"
    if isinstance(v, Percent):
        return f"{OPS[v.op]}{num(v.percent)}%"
    if isinstance(v, Quantity):
        return f"{OPS[v.op]}{num(v.amount)}{v.unit}"
    if isinstance(v, Change):
        return f"{num(v.before)}{v.unit_before} → {num(v.after)}{v.unit_after}"
    if isinstance(v, Stars):
        return v.glyphs
    assert isinstance(v, Text)
    return ""
