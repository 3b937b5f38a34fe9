"""Regenerate docs/errors.md from perfeval.issues.CODES: `.venv/bin/python tools/gen_errors_doc.py`."""

from pathlib import Path

from perfeval.issues import CODES

SECTIONS = {
    "PE1": "PE1xx 读取文件", "PE2": "PE2xx 结构", "PE3": "PE3xx 取值与写法", "PE4": "PE4xx 复核（评分后）",
    "PE5": "PE5xx 批量与表格", "PE6": "PE6xx 申报审核（lint）", "PE7": "PE7xx 出表与报告；结果库（PE710–PE729）", "PE8": "PE8xx 报告文字核对（audit）",
    "PE9": "PE9xx 部门整体支出绩效自评（PE900–PE949）；网页工作台（PE950–PE969）",
}
HEAD = """# 问题代码（Error codes）

perfeval 发现的每个问题都是一条记录 `{severity, code, message, file, line, indicator}`。代码稳定不变，可用于筛选和统计；
`severity` 为 error（错误：该项无法评分或数据不可信）、warning（警告：需要复核或说明）、info（提示）。

`perfeval validate` 报告 PE1xx–PE3xx；`perfeval score` 和 `perfeval batch` 另外报告 PE4xx 复核结果；`perfeval lint` 报告 PE6xx。
退出码：0 无错误；1 存在错误或被拒绝的文件；2 用法错误（参数、未知评分规则）。

本文件由 `tools/gen_errors_doc.py` 从 `src/perfeval/issues.py` 生成，测试会检查两者一致。
"""


def render() -> str:
    out, cur = [HEAD], None
    for c in CODES.values():
        if c.code[:3] != cur:
            cur = c.code[:3]
            out.append(f"\n## {SECTIONS.get(cur, cur)}\n\n| 代码 | 级别 | 名称 | 消息模板 | 如何修改 |\n|---|---|---|---|---|")
        template = c.template.replace("|", "\\|")
        out.append(f"| {c.code} | {c.severity} | {c.title} | {template} | {c.hint} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    Path(__file__).resolve().parents[1].joinpath("docs", "errors.md").write_text(render(), encoding="utf-8")
