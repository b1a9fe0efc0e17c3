"""Render the 评分表 as a person prints it, count its pages and write PNGs to look at.

    python tools/render_scoresheet.py [RULESET DATA] [--out DIR] [--departments N]

Writes the 评分表 of DATA (default: the published Chao'an record, made a batch of
three departments: as published, every project done, and one with long notes)
as .xlsx, .html and .pdf, and the ruleset's data template; then prints the
workbook and the template through LibreOffice and the page through headless
Chromium, as an evaluator would, and turns every PDF into PNG pages
(pdftoppm).  It reports the pages each department takes in each route and
checks that every page carries the last column's header (every column on the
page, nothing cut off at the edge).  Exit status 1 when the given record (the
first department) takes more than two pages in any route.

Needs Debian's libreoffice-calc, chromium and poppler-utils, and a Chinese
font (fonts-noto-cjk or fonts-wqy-microhei); not run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer"]
LAST_COLUMN = "扣分原因/依据"
MOST_PAGES = 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ruleset", nargs="?", default=str(ROOT / "rulesets" / "chaoan-2022.perf"))
    parser.add_argument("data", nargs="?", default=str(ROOT / "examples" / "chaoan-2022.json"))
    parser.add_argument("--out", default=str(ROOT / "build" / "render"))
    parser.add_argument("--departments", type=int, default=3, help="how many departments (made from DATA's first)")
    args = parser.parse_args()
    for tool in ("soffice", "chromium", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"需要 {tool}（apt-get install libreoffice-calc chromium poppler-utils）", file=sys.stderr)
            return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = _batch(Path(args.data), args.departments, out)
    perfdsl = [sys.executable, "-m", "perfdsl"]
    for extension in ("xlsx", "html", "pdf"):
        _run(perfdsl + ["eval", args.ruleset, str(data), "-o", str(out / f"评分表.{extension}")], ok=(0, 1))
    _run(perfdsl + ["template", args.ruleset, "-o", str(out / "模板.xlsx")])

    routes = {  # route → (its PDF, the name its PNG pages take)
        "xlsx → LibreOffice": (_libreoffice(out / "评分表.xlsx", out / "评分表-xlsx.pdf"), "xlsx"),
        "html → Chromium": (_chromium(out / "评分表.html", out / "评分表-html.pdf"), "html"),
        "pdf (perfdsl)": (out / "评分表.pdf", "pdf"),
        "template → LibreOffice": (_libreoffice(out / "模板.xlsx", out / "模板-xlsx.pdf"), "template"),
    }
    names = [record.get("单位", f"记录{n}") for n, record in enumerate(json.loads(data.read_text("utf-8")), 1)]
    worst = 0
    for route, (pdf, stem) in routes.items():
        # NFKC: Chromium's Noto CJK maps some characters to look-alike radicals (⾯ for 面) in the text layer
        pages = [unicodedata.normalize("NFKC", page.extract_text() or "") for page in PdfReader(str(pdf)).pages]
        _pngs(pdf, out / "png" / stem)
        print(f"\n{route}: {pdf.relative_to(out)}，共 {len(pages)} 页；PNG：{out / 'png' / stem}-N.png")
        if route.startswith("template"):
            continue
        for index, (name, numbers) in enumerate(_by_department(pages, names).items()):
            # a page with the table (its 评分标准 header) shows the last column's header too
            cut = [n + 1 for n in numbers if "评分标准" in pages[n] and LAST_COLUMN not in "".join(pages[n].split())]
            print(f"  {name}: {len(numbers)} 页（第 {numbers[0] + 1}–{numbers[-1] + 1} 页）"
                  + (f"；第 {cut} 页缺少最后一列的表头" if cut else "；每页都有全部列"))
            if index == 0:  # the published record: the acceptance
                worst = max(worst, len(numbers), MOST_PAGES + 1 if cut else 0)
    print(f"\n{names[0]}（所给记录）每种打印方式最多 {worst} 页（要求 ≤ {MOST_PAGES}）")
    return 0 if worst <= MOST_PAGES else 1


def _batch(data: Path, count: int, out: Path) -> Path:
    """The first record of DATA, then variants of it: every project done, long notes on three judgements."""
    records = json.loads(data.read_text("utf-8"))
    first = records[0] if isinstance(records, list) else records
    variants = [first, dict(first, 单位="全部完成的单位", 项目完成数=first.get("项目总数", 0))]
    noted = dict(first, 单位="备注较长的单位")
    for key in ("项目监管扣分", "绩效目标合理性扣分", "公众或服务对象满意度扣分"):
        if key in first:
            value = first[key]["value"] if isinstance(first[key], dict) else first[key]
            noted[key] = {"value": value, "note": "佐证材料不全：" + "未见项目实施过程中的检查、督促记录，" * 3}
    variants.append(noted)
    path = out / "departments.json"
    path.write_text(json.dumps(variants[:count], ensure_ascii=False, indent=1), "utf-8")
    return path


def _by_department(pages: list[str], names: list[str]) -> dict[str, list[int]]:
    """Each department's pages: from the page with its 评分表's title to the page before the next one's
    (the 汇总 LibreOffice prints first has no such title)."""
    starts = [n for n, page in enumerate(pages) if "评分表" in page]
    return {name: list(range(first, starts[i + 1] if i + 1 < len(starts) else len(pages)))
            for i, (name, first) in enumerate(zip(names, starts))}


def _libreoffice(source: Path, target: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as outdir:
        # a profile of its own, so that other LibreOffice runs on the machine do not get in the way
        _run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
              "--outdir", outdir, str(source)], env=dict(os.environ, LANG="C.UTF-8"))  # Chinese file names
        shutil.move(Path(outdir) / f"{source.stem}.pdf", target)
    return target


def _chromium(source: Path, target: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        _run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}",
              source.resolve().as_uri()])
    return target


def _pngs(pdf: Path, prefix: Path):
    prefix.parent.mkdir(exist_ok=True)
    for old in prefix.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    _run(["pdftoppm", "-r", "80", "-png", str(pdf), str(prefix)])


def _run(command, ok=(0,), env=None):
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    if done.returncode not in ok:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"失败：{' '.join(command[:3])} …（退出码 {done.returncode}）")
    return done


if __name__ == "__main__":
    sys.exit(main())
