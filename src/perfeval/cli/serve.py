"""``perfeval serve``: the local web workbench (填报 / 复核 / JSON API)."""

from __future__ import annotations

import secrets
import sys
import threading

import click

from ..declare.load import Limits
from .app import EXIT_USAGE, console, main


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；非本机地址（如 0.0.0.0）必须使用访问令牌")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="端口")
@click.option("--data", "data", type=click.Path(file_okay=False), default="perfeval-data", show_default=True,
              help="保存草稿和批量复核结果的目录")
@click.option("--open", "open_browser", is_flag=True, help="启动后在浏览器中打开")
@click.option("--token", default=None, help="访问令牌；绑定非本机地址时必需（不给则生成一个并打印）")
@click.option("--max-bytes", type=click.IntRange(1), default=Limits.max_bytes, show_default=True, help="单个文件大小上限（字节）")
@click.option("--max-aliases", type=click.IntRange(0), default=Limits.max_aliases, show_default=True, help="YAML 别名数量上限")
@click.option("--max-files", type=click.IntRange(1), default=2000, show_default=True, help="一次上传的文件数上限（.zip 按其中文件计）")
@click.option("--max-request", type=click.IntRange(1), default=512 * 1024 * 1024, show_default=True, help="一次请求的大小上限（字节）")
def serve(host, port, data, open_browser, token, max_bytes, max_aliases, max_files, max_request):
    """启动本机网页工作台：上传即评分、填报（从指标库建项目、边填边评分、下载自评表和报告）、
    复核（批量上传、进度、等级分布、部门汇总、排名、问题清单、抽样），以及 JSON 接口（/api）。

    默认只监听本机（127.0.0.1）。按 Ctrl-C 停止。
    """
    try:
        import uvicorn

        from ..serve import Settings, create_app
        from ..serve.settings import is_loopback
    except ImportError as e:  # pragma: no cover - fastapi/uvicorn are dependencies
        console(stderr=True).print(f"[bold red]错误[/] 缺少网页工作台的依赖：{e.name}；请重新安装 perfeval")
        sys.exit(EXIT_USAGE)
    err = console(stderr=True)
    if not is_loopback(host) and not token:
        token = secrets.token_urlsafe(18)
        err.print(f"监听非本机地址 {host}：已生成访问令牌（每个请求都要携带）：{token}", highlight=False)
    settings = Settings(data=data, host=host, port=port, token=token, limits=Limits(max_bytes=max_bytes, max_aliases=max_aliases),
                        max_files=max_files, max_request=max_request)
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/" + (f"?token={token}" if token else "")
    err.print(f"perfeval 工作台：{url}    （数据目录 {data}；按 Ctrl-C 停止）", highlight=False)
    if open_browser:
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    server.run()
    err.print("已停止。", highlight=False)
