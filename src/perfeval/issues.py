"""Issue records and the catalogue of stable issue codes.

Every problem perfeval finds — in the file, in the structure, in a value, or in
the review of scores — becomes one :class:`Issue`.  Nothing is raised for bad
input inside the pipeline: issues are collected and returned, and the CLI turns
them into messages and exit codes.

Codes are stable (other tools filter on them) and each has a Chinese message
template and a hint saying how to fix the problem.  ``docs/errors.md`` lists
them; a test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}
SEVERITY_ZH = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    title: str  # short Chinese title
    template: str  # Chinese message; str.format(**params)
    hint: str  # how to fix it


CODES: dict[str, Code] = {}


def _c(code: str, severity: str, title: str, template: str, hint: str) -> None:
    CODES[code] = Code(code, severity, title, template, hint)


# --- PE1xx: reading the file ------------------------------------------------
_c("PE100", ERROR, "文件无法读取", "无法读取文件：{reason}", "检查文件路径和读取权限。")
_c("PE101", ERROR, "YAML 语法错误", "YAML 语法错误：{reason}", "按报错行列修正缩进、冒号或引号；文本中含冒号时请加引号。")
_c("PE102", ERROR, "文件过大", "文件大小 {size} 字节，超过上限 {limit} 字节", "一个文件只放一个项目；确需更大文件时用 --max-bytes 调整上限。")
_c("PE103", ERROR, "不是文本文件", "文件不是可识别的文本（{reason}）", "请提交 UTF-8 编码的 YAML 文本文件。")
_c("PE104", ERROR, "顶层结构错误", "文件顶层应为键值映射（mapping），实际为 {actual}", "按 docs/format.md 的样例书写，顶层以 perfeval: 1 开始。")
_c("PE105", ERROR, "重复的键", "键“{key}”重复出现（第 {first} 行和第 {line} 行），后者会覆盖前者", "删除或合并重复的键，确保每个字段只写一次。")
_c("PE106", ERROR, "别名过多", "YAML 别名（*引用）共 {count} 个，超过上限 {limit}", "提交文件不需要 YAML 锚点和别名，请直接写出数据。")
_c("PE107", ERROR, "空文件", "文件为空，没有任何内容", "按 docs/format.md 填写项目信息、资金和绩效指标。")
_c("PE108", WARNING, "非 UTF-8 编码", "文件不是 UTF-8 编码，已按 {encoding} 读取", "请另存为 UTF-8 编码，避免乱码。")
# --- PE15x-PE16x: office form files (.xlsx/.xls/.docx/.pdf, see docs/import.md) ------------------------
_c("PE150", ERROR, "旧版 Word 文档", "这是旧版 Word 文档（.doc，二进制格式），无法读取其中的表格", "在 Word 或 WPS 中打开，另存为 .docx 后重试。")
_c("PE151", ERROR, "扫描件 PDF", "PDF 中没有文字层（扫描件或图片），扫描件无法读取文字", "请提交原始的 Excel/Word 自评表，或由 Excel/Word 直接导出的 PDF。")
_c("PE152", ERROR, "未找到自评表", "文件中没有找到项目支出绩效自评表（没有同时写有“一级指标”“二级指标”“三级指标”的表头行）", "确认提交的是自评表本身；表头文字被改动时，请按 docs/import.md 的说明恢复表头，或用 perfeval init --format xlsx 生成的模板填写。")
_c("PE153", ERROR, "这是长表", "该工作簿是一行一个指标的长表（表头中有项目名称/项目编码列），不是自评表", "长表请用 perfeval batch 读取（见 docs/format.md 长表格式）。")
_c("PE154", ERROR, "文件已加密", "文件设有打开密码（已加密），无法读取", "在 Excel/WPS/Word 中取消密码（文件 → 信息 → 保护 → 用密码进行加密，清空密码）后另存，再重试。")
_c("PE155", ERROR, "文件已损坏", "{kind}无法读取：{reason}", "在 Excel/WPS/Word 中打开确认文件完好，另存一份后重试。")
_c("PE156", ERROR, "解压后过大", "文件解压后超过 {limit} 字节（已达 {size}），疑似压缩炸弹，已拒绝", "自评表不会这么大；请检查文件来源，或删除多余的工作表和图片后重试。")
_c("PE157", ERROR, "扩展名与内容不符", "文件扩展名是 {ext}，内容却是{actual}", "按实际格式改正扩展名（如另存为 .xlsx/.docx），再重试。")
_c("PE158", ERROR, "表格尺寸过大", "“{place}”的范围为 {rows} 行 × {cols} 列，超过上限 {max_rows} 行 × {max_cols} 列，已在读取前拒绝", "删除表格外多余的行列（或格式），只保留自评表后重试。")
_c("PE161", WARNING, "单元格为错误值", "单元格是错误值 {value}（{field}），按空白处理", "修正该单元格的公式（如除数为 0），或直接填写数值。")
_c("PE162", WARNING, "未找到项目资金", "自评表中没有找到项目资金表块（含“全年预算数”“全年执行数”的表头行）", "按自评表格式填写项目资金（年度资金总额及其中各行）。")
_c("PE163", INFO, "资金只有总额行", "项目资金只有“年度资金总额”一行，已把它作为唯一的资金来源", "按来源（当年财政拨款、上年结转资金、其他资金）分行填写。")
_c("PE164", WARNING, "单元格未读取", "单元格内容“{value}”不在自评表的任何一列之下，未读取", "把内容移到对应的列中（如偏差原因分析及改进措施），或删除。")
_c("PE165", WARNING, "没有分值列", "自评表没有分值（权重）列：{count} 项指标的分值由评分规则推定（执行率之外按一级指标平均分配），不是单位填报的", "在自评表中加上分值列并逐项填写；推定的分值与单位实际设定的可能不同，得分仅供参考。")
_c("PE166", WARNING, "隐藏的行或列", "指标“{indicator}”在工作簿中隐藏的{what}里（打开文件时看不到），已按自评表读取并评分", "在 Excel/WPS 中取消隐藏核对：不属于自评表就删除该行，属于就取消隐藏后再提交。")
# --- PE2xx: structure ---------------------------------------------------------
_c("PE200", ERROR, "缺少必填字段", "缺少必填字段“{field}”", "补充该字段；字段说明见 docs/format.md。")
_c("PE201", ERROR, "字段类型错误", "字段“{field}”应为{expected}，实际为{actual}", "按 docs/format.md 修改该字段的写法。")
_c("PE202", ERROR, "未知字段", "未知字段“{field}”{suggest}", "检查拼写；未知字段不会被读取，其中的数据会丢失。")
_c("PE203", ERROR, "格式版本不支持", "格式版本 perfeval: {version} 不受支持（支持：1）", "将首行写为 perfeval: 1。")
_c("PE204", ERROR, "评分规则不存在", "评分规则（profile）“{profile}”不存在；可用：{available}", "使用 perfeval profiles 查看可用规则，或用 --profile 指定规则文件。")
_c("PE205", ERROR, "没有绩效指标", "indicators 为空，至少需要一项绩效指标", "按一级/二级/三级指标填写绩效指标。")
_c("PE206", ERROR, "没有资金来源", "funds.sources 为空，至少需要一行资金来源", "填写资金来源（其中行），如本级财政资金。")
_c("PE207", ERROR, "数值无效", "字段“{field}”的值 {value} 不是有效数字", "填写有限的数字，不要写 NaN、Infinity 或文字。")
_c("PE208", ERROR, "一级指标不可识别", "一级指标“{value}”不可识别；应为 产出指标、效益指标、满意度指标 或 成本指标", "改为标准的一级指标名称。")
_c("PE209", ERROR, "指标重复", "指标“{name}”与第 {other} 项重复（一级、二级、三级指标名称都相同）", "删除重复行，或改用不同的三级指标名称。")
_c("PE210", ERROR, "引用的指标不存在", "指标库中没有编码为“{ref}”的指标", "用 perfeval library 查看可用编码。")
# --- PE3xx: values and notation ----------------------------------------------
_c("PE300", ERROR, "缺少年度指标值", "指标“{indicator}”没有年度指标值（target）", "填写目标值，如“≥5户”“≤90万元”或定性目标。")
_c("PE301", ERROR, "实际值与数值目标不可比", "指标“{indicator}”的实际完成值“{actual}”不是数字，无法与数值目标“{target}”比较", "填写与目标同单位的实际数值（如目标“≥95%”，实际填“98%”）；确实无法量化时，请修改目标为定性目标。")
_c("PE302", ERROR, "单位不一致", "指标“{indicator}”的实际值单位“{actual_unit}”与目标单位“{unit}”不一致，无法换算", "实际完成值使用与年度指标值相同的计量单位。")
_c("PE303", ERROR, "定性完成情况无法识别", "指标“{indicator}”的实际完成值“{actual}”无法识别为达成、部分达成或未达成", "定性指标的实际完成值请填写“达成预期指标”“部分达成预期指标并具有一定效果”或“未达成预期指标且效果较差”。")
_c("PE304", ERROR, "缺少实际完成值", "指标“{indicator}”没有实际完成值（actual）", "年终自评时填写实际完成值；不适用的指标在 target 中写“/”。")
_c("PE305", ERROR, "得分系数超出档次", "指标“{indicator}”的 ratio={ratio} 不在“{tier}”档的区间 {band} 内", "ratio 表示得分占分值的比例，须落在所选档次的区间内。")
_c("PE306", ERROR, "百分比超过100", "指标“{indicator}”的{field}为 {value}%，百分比不能超过 100%", "检查是否多写了一位数字或用错了单位。")
_c("PE307", ERROR, "数值为负", "{field}为负数（{value}）", "金额、分值和指标值不能为负数。")
_c("PE308", ERROR, "分值过大", "指标“{indicator}”的分值 {value} 超过 100", "单项分值不能超过 100 分。")
_c("PE309", ERROR, "执行数与预算数无效", "全年预算数为 0，无法计算预算执行率", "填写全年预算数（调整后预算数）。")
_c("PE310", ERROR, "目标值格式无效", "指标“{indicator}”的目标值“{target}”无法解析：{reason}", "按“≥5户”“≤90万元”“95%以上”“80-90%”等写法填写，或写定性目标。")
_c("PE311", WARNING, "实际值可能是比例", "指标“{indicator}”的实际完成值“{actual}”没有写单位，而目标“{target}”是百分数：已按{chosen}计算（另一种读法：{other}）", "实际完成值写明百分号，如“96%”；按比例还是百分数理解由评分规则的 bare_fraction 或命令行 --bare-fraction 决定。")
_c("PE312", WARNING, "指标没有分值", "指标“{indicator}”没有分值（weight），而“{group}”其余指标的分值已用满该组的 {group_weight} 分：{action}", "给每项指标填写分值，使执行率与全部指标分值合计为 100；或删除本组全部分值，由评分规则平均分配。")
_c("PE313", WARNING, "全年执行数为 0", "全年预算数 {budget}，全年执行数为 0：执行率 0%，预算执行率不得分", "年终自评时填写实际执行数；确未执行的，在 funds.note 中说明原因。")
_c("PE314", INFO, "尚未填写实际完成值", "本文件是绩效目标申报表（{count} 项指标均未填写实际完成值），未做年终检查", "年终自评时填写 actual（实际完成值），再用 perfeval validate 检查；申报阶段请用 perfeval lint 审核目标。")
# --- PE4xx: review (复核) ------------------------------------------------------
_c("PE400", ERROR, "分值合计不等于100", "执行率分值与各指标分值合计为 {total}，应为 100", "调整各指标分值，使执行率与全部指标分值之和为 100。")
_c("PE401", WARNING, "一级指标分值与规则不符", "“{group}”分值合计 {actual}，规则（{profile}）为 {expected}", "原则上按规则设置一级指标分值；确需调整请在说明中写明理由。")
_c("PE402", ERROR, "资金总额与来源合计不符", "年度资金总额的{field} {printed} 与各来源合计 {computed} 不一致", "核对“年度资金总额”与“其中”各行，总额应等于各行之和。")
_c("PE403", WARNING, "执行率超过100%", "全年执行数 {executed} 超过全年预算数 {budget}，执行率 {rate}", "核对执行数是否包含了预算外资金或其他年度资金。")
_c("PE404", WARNING, "扣分未说明原因", "指标“{indicator}”得分 {score} 低于分值 {weight}，但未填写偏差原因分析及改进措施", "在 note 中说明未完成的原因和改进措施。")
_c("PE405", WARNING, "目标可能设置偏低", "指标“{indicator}”实际值 {actual} 达到目标 {target} 的 {ratio}（≥{threshold}），目标可能设置偏低", "说明超额完成的原因；来年据实提高目标值。")
_c("PE406", WARNING, "自评得分偏高", "“{indicator}”自评得分 {claimed} 高于按规则计算的 {computed}，高出 {diff} 分", "按规则更正自评得分，或补充支持该得分的完成值。")
_c("PE407", WARNING, "自评得分偏低", "“{indicator}”自评得分 {claimed} 低于按规则计算的 {computed}，低 {diff} 分", "核对完成值与得分，按规则更正。")
_c("PE408", WARNING, "自评总分与得分合计不符", "自评总分 {claimed_total} 不等于自评得分合计 {claimed_sum}", "总分应为执行率得分与各指标得分之和。")
_c("PE409", WARNING, "自评等级与总分不符", "自评等级“{claimed_grade}”与自评总分 {claimed_total} 对应的等级“{expected}”不符", "按总分对应的等级填写。")
_c("PE410", WARNING, "实际值照抄目标", "指标“{indicator}”的实际完成值“{actual}”照抄了目标值写法", "填写实际达到的数值，不要带“≥”“≤”等比较符。")
_c("PE411", ERROR, "执行率偏低未说明原因", "预算执行率 {rate} 低于 {threshold}，但未填写原因（funds.note）", "在 funds.note 中说明执行率偏低的原因。")
_c("PE412", WARNING, "自评总分与复核总分不符", "自评总分 {claimed_total} 与按规则计算的总分 {total} 相差 {diff} 分", "按规则更正总分。")
_c("PE413", WARNING, "自评得分超过分值", "“{indicator}”自评得分 {claimed} 超过分值 {weight}", "得分不得突破分值。")
_c("PE414", INFO, "指标不适用", "指标“{indicator}”标记为不适用（/），不参与评分，其分值 {weight} 已按规则重新分配", "确认该指标确实不适用。")
_c("PE415", WARNING, "一级指标缺失", "缺少“{group}”类指标，其 {weight} 分已转入“{target}”", "按规则设置该类指标。")
_c("PE416", WARNING, "总分已折算为百分制", "执行率与指标分值合计为 {basis}，总分按百分制折算：{raw} ÷ {basis} × 100 = {total}", "更正分值使合计为 100；折算后的总分仅供参考，发布前请按规则修改自评表。")
_c("PE417", ERROR, "分值合计错误，不予定级", "执行率与指标分值合计为 {basis}，不等于 100：按规则（{profile}）不给出总分和等级", "更正分值使执行率与全部指标分值合计为 100 后重新评分。")
_c("PE418", WARNING, "重复提交", "与 {other} 的项目编码“{project_code}”和年度 {year} 相同：保留 {kept}，{dropped} 不计入汇总", "同一项目每年只提交一份；更正版请替换原文件，或用 --prefer 指定保留哪一份。")
# --- PE5xx: batch and tables ---------------------------------------------------
_c("PE500", ERROR, "表格缺少列", "表格缺少必需列：{columns}", "按 docs/format.md 的长表格式提供列名。")
_c("PE501", ERROR, "表格无法读取", "无法读取表格：{reason}", "保存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx 工作簿。")
_c("PE502", ERROR, "处理失败", "处理该文件时出现内部错误：{reason}", "请将该文件和报错信息反馈给 perfeval 维护者。")
_c("PE503", ERROR, "缺少资金行", "项目“{project}”没有资金来源行：{reason}", "在资金表中按项目编码（或项目名称）填写资金来源、全年预算数和全年执行数，见 docs/format.md 长表格式。")
_c("PE504", WARNING, "表格列未识别", "表格中的列 {columns} 未识别，已忽略", "核对列名（见 docs/format.md 长表格式）；不需要的列可以保留，其内容不会被读取。")
_c("PE505", ERROR, "项目信息前后不一致", "本行的{field}“{value}”与本项目第 {first} 行的“{other}”不一致", "同一项目的各行应填写相同的项目信息；核对是否两个项目用了同一个项目编码。")
_c("PE506", ERROR, "资金行没有对应的指标", "资金表中项目“{project}”的资金行在指标表中没有对应的指标行", "在指标表中补上该项目的绩效指标，或从资金表中删除这些行；核对两张表的项目编码是否一致。")

# --- PE6xx: declaration review (perfeval lint, 绩效目标审核) ---------------------
_c("PE600", ERROR, "缺少一级指标", "缺少“{group}”：评分规则（{profile}）要求设置该类指标", "至少设置一项该类三级指标；可用 perfeval library 查找标准指标，用 ref 引用。")
_c("PE601", ERROR, "缺少数量指标", "产出指标中没有数量指标", "增加一项数量指标（如帮扶户数、培训人次），写明目标数量和计量单位。")
_c("PE602", ERROR, "缺少质量或时效指标", "产出指标中没有质量指标，也没有时效指标", "增加一项质量指标（如“资金发放准确率 =100%”）或时效指标（如“12月底前完成”）。")
_c("PE603", ERROR, "缺少成本指标", "评分规则（{profile}）要求设置成本指标，申报表中没有", "增加成本指标，如“项目总成本 ≤30万元”或“单位产出成本 ≤500元”，成本目标不高于批复预算。")
_c("PE604", WARNING, "定性指标占比过高", "定性指标 {count} 项，占全部 {total} 项指标的 {share}，超过规则（{profile}）的上限 {limit}", "把能量化的指标改为定量目标（数量、比率、金额、时限）；可用 perfeval library 查找同类定量指标。")
_c("PE605", ERROR, "目标含糊", "指标“{indicator}”的年度指标值“{target}”用了含糊的表述“{word}”，年底无法核验是否达成{suggest}", "写成可量化或可判断的目标：数值加单位（如“≥95%”“≥100户”），或明确的事实（如“12月底前完成”“未发生安全责任事故”）。")
_c("PE606", WARNING, "定性目标不可核验", "指标“{indicator}”的定性目标“{target}”没有可核验的标准（数量、时间节点或是否发生某事）{suggest}", "改为定量目标，或写明年底据以判断达成与否的事实，如“9月30日前发放到位”“受助名单公示不少于5个工作日”。")
_c("PE607", ERROR, "目标只复述资金要求", "指标“{indicator}”的年度指标值“{target}”只复述了资金使用要求，不反映项目的产出或效益{suggest}", "资金执行情况已由预算执行率评价；请改为项目的产出、成本或效益目标，如“项目总成本 ≤30万元”“帮扶资金发放准确率 =100%”。")
_c("PE608", ERROR, "单位与指标库不一致", "指标“{indicator}”引用 {ref}，目标单位“{unit}”与指标库的计量单位“{lib_unit}”不一致（库中典型值 {example}）", "按指标库的计量单位填写目标值；确需不同口径时删除 ref，写明自己的指标名称和计算口径。")
_c("PE609", ERROR, "分值合计不等于100", "预算执行率 {exec} 分与各指标分值合计为 {total}，应为 100", "调整各指标分值使合计为 100；或删除全部 weight，由评分规则默认分配。")
_c("PE610", WARNING, "一级指标分值与规则不符", "“{group}”分值合计 {actual}，规则（{profile}）为 {expected}", "原则上按规则设置一级指标分值；确需调整请在申报说明中写明理由。")
_c("PE611", ERROR, "指标重复", "指标“{indicator}”与第 {other_line} 行的“{other}”重复（{why}）", "删除重复的指标，或改为衡量不同内容的指标。")
_c("PE612", ERROR, "数值目标缺少单位", "指标“{indicator}”的年度指标值“{target}”只有数字，没有计量单位（是 {value}%、{value}户还是其他？）", "补上计量单位，如“≥95%”“≥5户”“≤10工作日”；引用指标库（ref）的指标会自动使用库中的单位。")
_c("PE613", WARNING, "指标分类与指标库不一致", "指标“{indicator}”引用 {ref}，分类“{levels}”与指标库的“{lib_levels}”不一致", "按指标库的一级、二级指标填写，或删除 level1、level2，由指标库继承。")
_c("PE614", INFO, "计量单位不在单位表中", "指标“{indicator}”的计量单位“{unit}”不在单位表中，已按数值目标处理（{value}{unit}）", "确认单位书写无误；实际完成值请使用同一单位（“万”“亿”前缀可换算）。")
_c("PE615", ERROR, "模板内容未填写", "{field}仍是模板内容（{value}）", "按项目实际情况填写该字段；perfeval init 生成的占位内容必须替换。")
_c("PE616", WARNING, "成本目标超过预算", "指标“{indicator}”的成本目标“{target}”为 {cost}，是项目全年预算 {budget} 的 {times} 倍", "成本目标不应高于批复预算；核对单位（元/万元）和数值。")
_c("PE617", WARNING, "预算数可能是模板占位数", "全年预算数 {budget} 万元与 perfeval init 的占位数相同（取自指标库成本典型值），执行数仍为 0", "改为批复的全年预算数；成本目标按实际预算重新测算。")
# --- PE7xx: rendering (perfeval render / report) --------------------------------
_c("PE700", ERROR, "模板无法使用", "模板无法使用：{reason}", "检查 --templates 目录中的模板；可用 perfeval templates DIR 导出内置模板作为修改的起点。")
_c("PE701", ERROR, "无法写入输出", "无法写入 {path}：{reason}", "检查 --out 路径所在目录是否存在、是否有写入权限。")
_c("PE702", ERROR, "需要指定输出路径", "{format} 是二进制文件，不能输出到终端", "用 --out 指定文件或目录，如 --out out/ 或 --out 自评表.xlsx。")
_c("PE704", ERROR, "输出文件已存在", "{path} 已存在，未覆盖", "换一个 --out 路径，或加 --overwrite 覆盖已有文件。")
_c("PE703", ERROR, "文件未能出表", "该文件未能评分，未生成{kind}", "按上面列出的错误修改文件，用 perfeval validate 检查后再出表。")
# --- PE710–PE729: results store and year over year (perfeval batch/score/render --db, perfeval history) ----
_c("PE710", WARNING, "目标低于上年实际完成值", "指标“{indicator}”本年目标 {target} {relation}上年（{year} 年）实际完成值 {actual}", "年度目标原则上不低于上年实际完成水平；确需调低请在说明中写明理由。")
_c("PE711", WARNING, "问题连续两年出现", "{finding}（{title}）上年（{year} 年）也出现，连续两年未改正", "对照上年复核意见整改；确属合理请在说明中写明理由。")
_c("PE712", WARNING, "同一项目在本批中重复", "项目（{key}，{year} 年）在本批中出现多次，结果库只保存第一份（{first}）", "同一项目同一年度只提交一份；确为不同项目请填写不同的项目编码。")
_c("PE713", INFO, "项目未存入结果库", "缺少{missing}，无法在各年度间识别该项目，未存入结果库", "填写年度和项目编码（没有编码时填写主管部门和项目名称）。")
_c("PE714", ERROR, "结果库不存在", "{reason}", "检查 --db 路径；结果库由 perfeval batch --db 创建。")
_c("PE715", ERROR, "结果库无法打开", "{reason}", "确认文件是 perfeval batch --db 写出的 DuckDB 文件，且没有被其他程序（如正在运行的 batch 或 DuckDB 命令行）占用。")
_c("PE716", ERROR, "结果库版本不符", "{reason}", "用与结果库版本相同的 perfeval 打开，或另建一个结果库。")
_c("PE717", ERROR, "不是 perfeval 结果库", "{reason}", "--db 应指向 perfeval batch --db 写出的文件，或一个尚不存在的新文件。")
_c("PE718", ERROR, "写入结果库失败", "{reason}", "检查磁盘空间和写入权限后重新运行；结果库保持运行前的状态。")
_c("PE719", INFO, "与上年对比", "上年（{year} 年）总分 {prev_total}，等级 {prev_grade}；本年总分 {total}，变化 {change}", "历年结果：perfeval history --db 结果库 --code 项目编码。")
# --- PE9xx: department-wide evaluation (部门整体支出绩效自评) -------------------
_c("PE900", ERROR, "提交类型不可识别", "kind“{kind}”不可识别；应为 project（项目支出，默认）或 department（部门整体）", "项目支出自评省略 kind；部门整体自评写 kind: department。")
_c("PE901", ERROR, "不是部门整体评分规则", "评分规则“{profile}”不适用于部门整体自评；可用：{available}", "部门整体自评的 profile 写 perfeval profiles 中列出的部门整体规则之一。")
_c("PE902", WARNING, "执行率以年初预算为基数", "没有全年（调整后）预算数，预算执行率按年初预算数 {initial} 计算", "填写 funds.total.budget（全年预算数，含追加调整）；执行率以调整后预算为基数。")
_c("PE903", WARNING, "执行数超过预算数", "{what}全年执行数 {executed} 超过{base} {budget}（执行率 {rate}），可能有大额追加或预算外资金", "核对全年预算数是否包含年中追加；说明超预算支出的来源，预算调整率应反映追加。")
_c("PE904", ERROR, "合计与分项不符", "{total_name} {total} 不等于 {parts_name} 之和 {parts}（相差 {diff}）", "核对合计行与各分项；合计应等于各分项之和。")
_c("PE905", WARNING, "自评表与决算数不符", "{where}的{item} {printed} 与自评表（部门数据）的 {form} 不一致（相差 {diff}）", "以决算报表为准更正自评表或决算说明中的数字。")
_c("PE906", WARNING, "占比计算有误", "{where}{item}占比写作“{printed}”，按 {value}/{base} 计算应为 {computed}", "占比 = 该项金额 / 合计，按写出的位数四舍五入；同一处列出、合计正好 100% 的一组占比允许差末位一个单位（尾差）。")
_c("PE907", WARNING, "自评得分偏高", "“{indicator}”自评得分 {claimed} 高于按规则计算的 {computed}，高出 {diff} 分", "按规则更正自评得分，或补充支持该得分的数据。")
_c("PE908", INFO, "自评得分偏低", "“{indicator}”自评得分 {claimed} 低于按规则计算的 {computed}，低 {diff} 分", "核对数据与得分，按规则更正。")
_c("PE909", WARNING, "只有等级没有分数", "自评结论给出等级“{claimed_grade}”，但没有自评分数；按规则计算总分 {total}，等级 {grade}", "按评分表逐项打分，给出自评总分，再按总分确定等级。")
_c("PE910", WARNING, "自评等级与得分不符", "自评等级“{claimed_grade}”与按规则计算的总分 {total} 对应的等级“{grade}”不符", "按总分对应的等级填写（{bands}）。")
_c("PE911", WARNING, "有收入无支出", "{fund}收入 {income}，但该类资金支出为 {spending}", "核对收入与支出的资金性质：收到的资金应在同一资金性质下列支，或作为结转结余说明。")
_c("PE912", WARNING, "类别报“无”但数据不为零", "{klass}的绩效分析写“无”，但{figure}为 {value}", "对该类支出逐项分析（目标、完成、支出、执行进度、结余等），或说明为何不单列。")
_c("PE913", WARNING, "类别金额与决算不符", "{klass}的绩效分析所列金额 {printed} 与该类支出 {expected}（{figure}）不一致", "人员类 = 人员经费，运转类 = 公用经费，特定目标类 = 项目支出；按类别分别填写。")
_c("PE914", INFO, "指标不适用", "“{indicator}”不适用（{reason}），{rule}", "确认该指标确实不适用。")
_c("PE915", WARNING, "判断类指标未评分", "“{indicator}”是评价人判断的指标，提交文件没有给出得分，按 0 分计", "在 framework 中为该指标填写 score（0 至分值之间）和依据 note。")
_c("PE916", WARNING, "指标无法计算", "“{indicator}”缺少计算所需的数据（{missing}），按 0 分计", "补充 {missing}；确实不适用时在 framework 中写 not_applicable: true 并说明原因。")
_c("PE917", INFO, "执行进度按年末执行率计算", "没有序时进度节点（1–4月、1–6月、1–8月、1–10月）的执行数据，“{indicator}”按年末执行率 {rate} 计分", "在 monitoring.checkpoints 中填写各节点的累计执行率。")
_c("PE918", WARNING, "关联项目未能评分", "关联的项目“{project}”未能评分：{reason}", "检查 projects 中的路径或编码；项目文件本身的问题用 perfeval score 查看。")
_c("PE919", WARNING, "项目支出与项目合计不符", "部门项目支出{field} {dept} 与关联项目的{field}合计 {sum} 不一致（{n} 个项目）", "核对 projects 是否列全了部门的全部项目，以及各项目资金是否与部门决算一致。")
_c("PE920", WARNING, "判断类得分超过分值", "“{indicator}”的评价得分 {score} 超过分值 {weight}，已按分值计", "得分应在 0 至分值之间。")
_c("PE921", WARNING, "项目执行数超过部门项目支出", "关联项目“{project}”的执行数 {executed} 超过部门项目支出执行数 {dept}", "核对项目资金与部门决算的项目支出。")
_c("PE922", WARNING, "三公经费上年为零", "“三公”经费上年为 0、本年为 {this}，变动率无法计算（新增支出）", "说明新增“三公”经费的原因；该指标按评价人判断计分。")
_c("PE923", WARNING, "绩效目标覆盖不全", "{n_without} 个项目没有绩效目标（共 {n} 个），绩效目标覆盖率 {rate}", "所有项目都应编制绩效目标并开展自评（覆盖率 100%）。")
_c("PE924", WARNING, "执行率不足而无结转结余", "预算执行率 {rate}，但年末结转结余为 0：未执行的 {gap} 去向不明", "说明未执行资金的去向（如收回财政），或核对执行数与结转结余。")
_c("PE925", WARNING, "其中行得分与执行率不符", "其中行“{name}”打了 {claimed} 分，按其执行率应为 {expected} 分；其中行只作信息，不计入总分", "删除其中行的得分，或按执行率更正。")
_c("PE926", WARNING, "自评总分与得分合计不符", "自评总分 {claimed_total} 与自评得分合计 {claimed_sum} 不一致", "总分应为各项得分之和。")
_c("PE927", ERROR, "部门整体文件不能在此处理", "该文件是部门整体支出自评（kind: department），这里只处理项目支出文件", "部门整体文件用 perfeval validate / score / render / report / batch 处理。")
_c("PE928", ERROR, "项目与部门整体不能写入同一文件", "项目支出自评与部门整体自评不能写入同一个输出文件", "用目录作为 --out（每份一个文件），或分两次运行。")
# --- PE95x: the web workbench (perfeval serve) -------------------------------------
_c("PE950", ERROR, "上传文件过大", "上传的文件“{name}”大小 {size} 字节，超过上限 {limit} 字节；本次上传未保存任何文件", "一个文件只放一个项目；确需更大文件时用 perfeval serve --max-bytes 调整上限。")
_c("PE951", ERROR, "上传文件过多", "一次上传了 {count} 个以上的文件，超过上限 {limit} 个；本次上传未保存任何文件", "分几次上传，或用 perfeval batch 在命令行处理；上限可用 perfeval serve --max-files 调整。")
_c("PE952", ERROR, "请求过大", "请求大小超过上限 {limit} 字节；本次上传未保存任何文件", "分几次上传，或用 perfeval batch 在命令行处理；上限可用 perfeval serve --max-request 调整。")
_c("PE953", ERROR, "压缩包无法读取", "压缩包“{name}”无法读取：{reason}", "请上传标准 ZIP 压缩包（不加密），或直接上传文件。")
_c("PE954", ERROR, "跨站请求被拒绝", "请求来自其他网站（{reason}），已拒绝", "请在 perfeval 工作台自己的页面上操作；刷新页面后重试。")
_c("PE955", ERROR, "需要访问令牌", "访问本服务需要令牌（token）", "使用启动 perfeval serve 时打印的带 token 的地址打开，或在请求头中加 Authorization: Bearer <token>。")
_c("PE956", ERROR, "没有上传文件", "请求中没有上传文件（表单字段 files）", "在表单字段 files 中附上一个或多个文件。")
_c("PE957", ERROR, "找不到对象", "找不到{what}“{name}”", "检查地址是否完整；草稿和批次保存在 perfeval serve --data 目录中。")
_c("PE958", ERROR, "主机名不被允许", "主机名“{host}”不被允许", "用 http://127.0.0.1:端口/ 打开；需要在其他主机上访问时，用 --host 和 --token 启动。")

# --- PE8xx: report text audit (perfeval audit, 数字勾稽核对) --------------------------
_c("PE800", ERROR, "占比计算错误", "{part}占{whole}的比例应为 {expected}，文中写作 {claimed}", "按“部分 ÷ 合计 × 100”重算占比，四舍五入到文中的小数位数。")
_c("PE801", ERROR, "分项之和与合计不符", "合计写作 {claimed}，所列 {count} 项之和为 {expected}（相差 {diff}）", "核对合计数和各分项金额，合计应等于各分项之和。")
_c("PE802", ERROR, "增减幅度计算错误", "较上年增减 {change}（本年 {current}），增减幅度应为 {expected}，文中写作 {claimed}", "增减幅度 = 增减额 ÷ 上年数 × 100，上年数 = 本年数 − 增加额（或 + 减少额）。")
_c("PE803", ERROR, "执行率计算错误", "执行数 {actual}、预算数 {budget}，执行率应为 {expected}，文中写作 {claimed}", "执行率 = 执行数 ÷ 预算数 × 100，四舍五入到文中的小数位数。")
_c("PE804", ERROR, "同一数额前后不一致", "“{name}”在此写作 {claimed}，在第 {other_line} 行写作 {expected}", "同一口径的数额全文应一致；核对哪一处是笔误。")
_c("PE805", ERROR, "模板占位符未填写", "“{text}”是未填写的模板占位符", "填入实际数字，或删除不适用的句子。")
_c("PE806", ERROR, "占比合计超过100%", "所列各项占比合计 {total}，超过 100%", "核对各项占比，各部分占同一合计的比例之和不能超过 100%。")
_c("PE807", ERROR, "无增减却写有增减幅度", "增减额为 {change}，增减幅度应为 0%，文中写作 {claimed}", "增减额为 0 时增减幅度为 0%（或写“持平”）；核对增减额和幅度哪一个写错。")
_c("PE808", ERROR, "增减幅度与上年数不符", "较上年数 {previous} 增减 {change}，增减幅度应为 {expected}，文中写作 {claimed}", "增减幅度 = 增减额 ÷ 上年数 × 100；句中已写明上年数时以它为分母。")
_c("PE809", ERROR, "百分点差计算错误", "{first} 与 {second} 相差 {expected}，文中写作 {claimed}", "百分点 = 两个百分比之差（不是比值），按文中两个百分比相减核对。")
_c("PE810", ERROR, "文字与提交数据不符", "文中“{what}”为 {claimed}，提交数据为 {expected}", "按自评表（提交文件）的数据更正文字，或更正提交数据。")
_c("PE811", ERROR, "文字与评分结果不符", "文中{what}为 {claimed}，按评分规则计算为 {expected}", "按 perfeval score 的计算结果更正报告中的总分和等级。")
_c("PE812", ERROR, "文字与指标完成值不符", "文中“{indicator}”的完成值为 {claimed}，提交数据为 {expected}", "按自评表的实际完成值更正文字，或更正提交数据。")
_c("PE820", ERROR, "表格合计与各行之和不符", "{where}：{what}写作 {claimed}，{parts}之和为 {expected}（相差 {diff}）", "核对该合计行和它所合计的各行（类、以“一、二、……”编号的各项、结转结余），合计应等于各行之和。")
_c("PE821", ERROR, "上级科目与下级科目之和不符", "{where}：{what}写作 {claimed}，{parts}之和为 {expected}（相差 {diff}）", "按科目编码核对：类 = 其下各款之和，款 = 其下各项之和。")
_c("PE822", ERROR, "表格各栏之间不符", "{where}：{what}写作 {claimed}，{parts} 之和为 {expected}（相差 {diff}）", "按表头核对该行：合计栏应等于其下各栏之和（如本年支出合计 = 基本支出 + 项目支出 + …，“三公”经费合计 = 三项之和）。")
_c("PE823", ERROR, "收入总计与支出总计不等", "{where}：支出总计写作 {claimed}，收入总计（{other}）为 {expected}，两者应相等", "收入支出决算总表的收入总计与支出总计必须相等；核对结转结余和两侧各行。")
_c("PE824", ERROR, "文字与表格数字不符", "文中“{name}”为 {claimed}，{where}为 {cell}（应写作 {expected}）", "按决算表更正文字中的数字（注意表格的金额单位：元或万元），或核对表格本身。")
_c("PE829", WARNING, "文档中的表格无法读取", "文档中的表格无法读取，未与表格核对：{reason}", "文字部分已核对；表格请用 Word/WPS 重新另存后再核对。")
_c("PE840", ERROR, "报告文件无法读取", "无法读取报告文件：{reason}", "检查文件是否存在、是否损坏；.docx 请用 Word/WPS 重新另存。")
_c("PE841", ERROR, "报告文字编码无法识别", "无法识别文字编码：{reason}", "另存为 UTF-8（或 GB18030/GBK）编码的文本文件。")
_c("PE842", WARNING, "PDF 没有文字层", "PDF 中没有可提取的文字（可能是扫描件），未核对", "提供带文字层的 PDF，或 .docx/.txt 原文。")
_c("PE843", ERROR, "不支持的报告文件类型", "不支持的文件类型 {ext}；可核对 {accepted}", "另存为 .docx、.txt 或带文字层的 .pdf。")
_c("PE844", ERROR, "旧版文件格式", "{kind}是旧版（或非 Office Open XML）格式，无法读取其中的文字", "请用 Word/WPS 另存为 .docx（表格用 Excel/WPS 另存为 .xlsx）后重试。")
_c("PE845", ERROR, "表格文件中没有自评表", "该表格文件既不是项目支出绩效自评表（没有同时写有“一级指标”“二级指标”“三级指标”的表头行），也不是长表，没有可核对的内容", "报告文字请另存为 .docx 或 .txt 后核对；自评表请保留原表头（见 docs/import.md）。")
_c("PE846", INFO, "没有可核对的文字", "{what}中没有可核对的文字（报告说明、年度总体目标完成情况、偏差原因等均为空）", "无需处理；需要核对报告文字时，把报告文字写入 narrative（或自评表的相应单元格），或单独提交报告。")
_c("PE847", INFO, "已跳过", "未核对：{reason}", "这类文件不含可核对的报告文字；需要核对时请另存为 .docx、.txt 或带文字层的 .pdf。")
_c("PE848", ERROR, "需要指定项目", "--against 的文件中有 {n} 个项目，报告中没有写出其中恰好一个的项目名称或项目编码，无法确定与哪个项目核对（可选：{available}）", "用 --project 项目编码（或项目名称）指定要核对的项目。")
_c("PE849", ERROR, "找不到指定的项目", "--against 的文件中没有项目编码或名称为“{project}”的项目（可选：{available}）", "按文件中的项目编码或项目名称填写 --project。")


@dataclass(frozen=True)
class Location:
    """Where something is in an input: file, sheet/table, line or row, column (all but ``file`` optional).

    ``str()`` gives ``a.yaml:12``, ``自评表.xlsx:Sheet1!F14``, ``t.csv:7`` or ``x.xlsx:资金!9``.
    """

    file: str | None
    sheet: str | None = None
    row: int | None = None  # line of a text file, row of a table (as Excel numbers it)
    column: str | None = None  # column letter(s) of a sheet, or a column title

    def __str__(self) -> str:
        out = self.file or "<输入>"
        if self.sheet is None and self.row is None and self.column is None:
            return out
        cell = ""
        if self.sheet is not None:
            cell += f"{self.sheet}!"
        if self.column is not None:
            cell += self.column
        if self.row is not None:
            cell += str(self.row)
        return f"{out}:{cell}"

    @property
    def line(self) -> int | None:  # the name issue records use
        return self.row


@dataclass(frozen=True)
class Issue:
    """One problem found in one submission.

    ``file`` and ``line`` locate it in the source; ``indicator`` names the
    三级指标 (or "预算执行率") it concerns.  ``path`` is the key path inside the
    submission, used to find the line and kept for machine consumers.
    """

    code: str
    message: str
    severity: str
    file: str | None = None
    line: int | None = None
    indicator: str | None = None
    path: tuple = field(default=(), compare=False)
    sheet: str | None = None  # sheet or table inside ``file`` (workbooks, forms)
    column: str | None = None  # column of a sheet (``F``) when the issue is about one cell

    @property
    def location(self) -> Location:
        return Location(self.file, self.sheet, self.line, self.column)

    @property
    def hint(self) -> str:
        return CODES[self.code].hint if self.code in CODES else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "indicator": self.indicator,
            "hint": self.hint,
            **({"sheet": self.sheet} if self.sheet is not None else {}),
            **({"column": self.column} if self.column is not None else {}),
        }

    def format(self) -> str:
        loc = str(self.location) if self.line or self.sheet or self.column else (self.file or "<输入>")
        tail = f"（{self.hint}）" if self.hint else ""
        return f"{loc}: {SEVERITY_ZH.get(self.severity, self.severity)} {self.code} {self.message}{tail}"


def make_issue(
    code: str,
    *,
    file: str | None = None,
    line: int | None = None,
    indicator: str | None = None,
    path: tuple = (),
    severity: str | None = None,
    sheet: str | None = None,
    column: str | None = None,
    **params: Any,
) -> Issue:
    spec = CODES[code]
    params.setdefault("indicator", indicator)
    params.setdefault("line", line)
    try:
        message = spec.template.format(**params)
    except (KeyError, IndexError):  # a missing param must never lose the issue
        message = spec.title
    return Issue(
        code=code,
        message=message,
        severity=severity or spec.severity,
        file=file,
        line=line,
        indicator=indicator,
        path=tuple(path),
        sheet=sheet,
        column=column,
    )


Where = tuple  # (file, line, sheet, column) of one issue


def make_issues(code: str, where: list[Where], indicators: list[str | None] | None = None, **columns: list[Any]) -> list[Issue]:
    """Many issues of one code at once — :func:`make_issue` for a column of findings (thousands in a bulk run).

    ``where[k]`` places issue k; ``columns`` hold the template's parameters, one list each, aligned with ``where``.
    """
    spec = CODES[code]
    tpl, severity, title = spec.template, spec.severity, spec.title
    names = list(columns)
    inds = indicators if indicators is not None else [None] * len(where)
    out = []
    for k, (file, line, sheet, column) in enumerate(where):
        params = {n: columns[n][k] for n in names}
        params.setdefault("indicator", inds[k])
        params.setdefault("line", line)
        try:
            message = tpl.format(**params)
        except (KeyError, IndexError):  # a missing param must never lose the issue
            message = title
        out.append(Issue(code, message, severity, file, line, inds[k], (), sheet, column))
    return out


def issue_order(i: Issue) -> tuple:
    """The order of issues within one submission: line, severity, code, message — the one sort order."""
    return (i.line or 0, SEVERITY_ORDER.get(i.severity, 9), i.code, i.message)


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """By file, then :func:`issue_order`."""
    return sorted(issues, key=lambda i: (i.file or "", *issue_order(i)))


_OS_ZH = {
    "ENOENT": "文件或目录不存在", "EACCES": "没有访问权限", "EPERM": "操作不被允许", "EISDIR": "这是一个目录，不是文件",
    "ENOTDIR": "路径中有一段不是目录", "ENOSPC": "磁盘空间不足", "EROFS": "文件系统只读", "EEXIST": "文件已存在",
    "ENAMETOOLONG": "文件名过长", "EMFILE": "打开的文件过多", "EIO": "读写出错（输入输出错误）", "EBUSY": "文件正被占用",
    "ELOOP": "符号链接循环", "EINVAL": "参数无效",
}


def os_error_zh(e: OSError) -> str:
    """An operating-system error in Chinese ("No such file or directory" → "文件或目录不存在")."""
    import errno

    name = errno.errorcode.get(e.errno or -1, "")
    return _OS_ZH.get(name) or e.strerror or str(e)


class PerfevalError(Exception):
    """The one exception perfeval's public API raises for bad input.

    It carries the issues that made the input unusable.
    """

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        super().__init__("\n".join(i.format() for i in self.issues) or "perfeval error")
