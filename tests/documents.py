"""Corpus files the format tests make for themselves: a Japanese PDF (reportlab's built-in CID fonts, no font
install), an HTML page with site chrome around its content, and a Markdown file with front matter."""

from __future__ import annotations

from pathlib import Path

# A chapter of another year, in the layout of the Bluebook's PDFs: a page number printed at the foot of every page,
# a footnote marker (¹) with its footnote line at the foot of the page, a sentence broken across lines and across
# a page break.
PDF_PAGES = [
    ["中東と北アフリカ",
     "1 概観",
     "中東地域の安定は、エネルギー資源の多くを中東に依存する日本にとって極",
     "めて重要である。日本は地域の国々との対話を重ねてきた。",
     "(1) ヨルダン",
     "2025年3月、日本とヨルダンは水資源管理に関する協力覚書に署名した¹。",
     "両国は、難民を受け入れている地域の給水設備の改修でも協力を進めて",
     "1 協力覚書は首都アンマンで署名された。"],
    ["いる。",
     "(2) サウジアラビア",
     "サウジアラビアとの間では、エネルギー転換と水素の分野で新たな協力が",
     "始まった。"],
    ["2 北アフリカ",
     "(1) エジプト",
     "日本はエジプトのスエズ運河経済特区における港湾整備に円借款を供与",
     "した。大エジプト博物館の開館に向けた保存修復の協力も続いた。"],
]
PDF_FIRST_PRINTED_PAGE = 41
PDF_NAME = "diplomatic-bluebook-2025_ch3_middle-east.pdf"

HTML_NAME = "bluebook-2023-europe.html"
HTML = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>外交青書2023 | 欧州 | 外務省</title>
<link rel="canonical" href="https://www.mofa.go.jp/mofaj/gaiko/bluebook/2023/html/chapter2_05.html">
<script>var tracking = "ページビュー";</script><style>.x { color: red }</style></head>
<body id="top">
<header><div class="logo">外務省</div><nav class="gnav"><ul><li><a href="/">ホーム</a></li>
<li><a href="/press/">会見・発表・広報</a></li><li><a href="/policy/">外交政策</a></li></ul></nav></header>
<div id="topicpath"><ol><li><a href="/">トップページ</a></li><li><a href="../">外交青書</a></li>
<li>欧州</li></ol></div>
<main>
<h1>欧州</h1>
<h2>1 概観</h2>
<p>欧州は、日本と基本的価値を共有する重要なパートナーである。</p>
<h3>(1) 英国</h3>
<p>2023年1月、日英部隊間協力円滑化協定が署名された<sup>1</sup>。
日英両国は安全保障協力を一層強化している。</p>
<p>英国の<ruby>首相<rp>(</rp><rt>しゅしょう</rt><rp>)</rp></ruby>は5月に広島を訪問した。</p>
<p class="pagetop"><a href="#top">ページの先頭へ戻る</a></p>
<h3>(2) フランス</h3>
<div>日仏両国は、インド太平洋における協力を確認した。</div>
<ul><li>外務・防衛閣僚会合（「2+2」）を開催した。</li></ul>
<h4>文化交流</h4>
<p>日仏の文化交流行事が各地で開かれた。</p>
<p><a href="#top">ページの先頭へ戻る</a></p>
</main>
<aside class="sidebar"><h2>関連リンク</h2><p>外務省の関連ページ一覧をご覧ください。</p></aside>
<footer><p>Copyright © Ministry of Foreign Affairs of Japan</p><p>法的事項・アクセシビリティについて</p></footer>
</body></html>
"""
HTML_SIDECAR = "id: europe-2023\nsource_url: https://www.mofa.go.jp/mofaj/gaiko/bluebook/2023/\n"

MARKDOWN_NAME = "notes/asean.md"
MARKDOWN = """---
title: ASEANとの協力
year: 2022
source_url: https://example.org/asean
tags: [asean]
---
# ASEAN

## 1 概観

日本はASEANの**中心性**と一体性を一貫して支持している[^1]。
ASEANとの協力は[インド太平洋](https://example.org/ip)の安定に欠かせない。

## 2 日ASEAN首脳会議

### 首脳会議の成果

- 日ASEAN友好協力50周年を記念する特別首脳会議が東京で開かれた。
- 新たな協力の柱として、海洋協力が打ち出された。

```
code is not prose
```

[^1]: ASEAN中心性は日本の外交方針の一つである。
"""


def write_japanese_pdf(path: Path, pages: list[list[str]] = PDF_PAGES, first_printed_page: int = PDF_FIRST_PRINTED_PAGE,
                       title: str | None = "外交青書2025 第3章", encrypt: str | None = None,
                       page_numbers: bool = True) -> Path:
    """A PDF whose text uses the non-embedded Japanese CID fonts every PDF reader must know (HeiseiMin-W3 for
    text, HeiseiKakuGo-W5 for headings), one drawn line per list item, the page number printed at the foot."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    for font in ("HeiseiMin-W3", "HeiseiKakuGo-W5"):
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    if title:
        pdf.setTitle(title)
    for number, lines in enumerate(pages):
        y = 780
        for line in lines:
            heading = len(line) < 20 and not line.endswith("。")
            pdf.setFont("HeiseiKakuGo-W5" if heading else "HeiseiMin-W3", 10.5)
            pdf.drawString(60, y, line)
            y -= 22
        if page_numbers:
            pdf.setFont("HeiseiMin-W3", 9)
            pdf.drawCentredString(300, 40, str(first_printed_page + number))
        pdf.showPage()
    pdf.save()
    return path


def write_sample_corpus(folder: Path) -> Path:
    """The PDF, the HTML page (with a sidecar) and the Markdown file, in one corpus folder."""
    write_japanese_pdf(folder / PDF_NAME)
    (folder / HTML_NAME).write_text(HTML, encoding="utf-8")
    (folder / HTML_NAME.replace(".html", ".meta.yaml")).write_text(HTML_SIDECAR, encoding="utf-8")
    (folder / MARKDOWN_NAME).parent.mkdir(parents=True, exist_ok=True)
    (folder / MARKDOWN_NAME).write_text(MARKDOWN, encoding="utf-8")
    return folder
