"""The official document of an issued remediation plan as a Word file (python-docx), to edit
before signing: the same PlanDocument as its PDF (reports.plan_document), in the layout of
Nghị định 30/2020 — A4, Times New Roman, margins 20/20/30/15 mm, page numbers at the top from
page 2, the header as a borderless table (issuer | national motto), the tasks unit by unit in
bordered tables, "Nơi nhận" and the signer at the foot."""

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.plan_document import PlanDocument, plan_document

from .plan_pdf import issued_plan

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165
HEADER_COLUMNS_MM = (66, TEXT_MM - 66)
# STT, task, related criteria, target, person in charge, deadline (as the PDF's CSS).
TASK_COLUMNS_MM = (11, 54, 24, 28, 25, 23)
CELL_PADDING_MM = 1.2  # left and right: Word's 1,9 mm would wrap a date
FOOT_COLUMNS_MM = (TEXT_MM / 2, TEXT_MM / 2)


def _set_font(style_or_run, size_pt: float | None = None) -> None:
    font = style_or_run.font
    font.name = FONT
    if size_pt is not None:
        font.size = Pt(size_pt)
    # Word picks a font per script; name it for every one, so no run falls back to another.
    element = style_or_run.element
    r_pr = element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph(
    container,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent_mm: float = 0,
    before_pt: float = 0,
    after_pt: float = 3,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph_format = paragraph.paragraph_format
    paragraph_format.space_before = Pt(before_pt)
    paragraph_format.space_after = Pt(after_pt)
    if indent_mm:
        paragraph_format.first_line_indent = Mm(indent_mm)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        _set_font(run, size)
    return paragraph


def _first_paragraph(cell, text: str, **kwargs):
    """A cell starts with an empty paragraph: write into it rather than leave a blank line."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = kwargs.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.space_after = Pt(kwargs.get("after_pt", 0))
    run = paragraph.add_run(text)
    run.bold, run.italic = kwargs.get("bold", False), kwargs.get("italic", False)
    _set_font(run, kwargs.get("size", BODY_PT))
    return paragraph


def _rule(container, *, length_mm: float, width_mm: float, after_pt: float = 4):
    """A short centred line (under the issuer, the motto, the title): a paragraph's bottom
    border, indented on both sides to the line's length."""
    paragraph = container.add_paragraph()
    side = max((width_mm - length_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    paragraph.paragraph_format.space_after = Pt(after_pt)
    paragraph.paragraph_format.line_spacing = Pt(2)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    return paragraph


def _table(document, rows: int, widths_mm, *, style: str | None = None):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    if style:
        table.style = document.styles[style]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads the cells' widths, LibreOffice the table's grid: both are set.
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def _narrow_padding(table) -> None:
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(round(CELL_PADDING_MM * 56.7)))  # twentieths of a point
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)


def _repeat_as_header(row) -> None:
    """The tasks' column headings again at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _keep_on_one_page(row) -> None:
    """A task, or the signature block, is never split between two pages."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _page_numbers(section) -> None:
    """Page numbers top centre, from page 2 (the first page has its own, empty, header)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _set_font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    _page_numbers(section)
    for name in ("Normal", "Table Grid"):
        _set_font(document.styles[name], BODY_PT if name == "Normal" else None)
    document.styles["Normal"].paragraph_format.space_after = Pt(3)


def _header(document, content: PlanDocument) -> None:
    header = content.header
    table = _table(document, 1, HEADER_COLUMNS_MM)
    issuer, motto = table.rows[0].cells
    if header.issuing_body:
        _first_paragraph(issuer, header.issuing_body, size=13)
        _paragraph(
            issuer, header.issuer, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after_pt=0
        )
    else:
        _first_paragraph(issuer, header.issuer, size=13, bold=True)
    _rule(issuer, length_mm=22, width_mm=HEADER_COLUMNS_MM[0])
    if header.number_line:
        _paragraph(issuer, header.number_line, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _first_paragraph(motto, header.nation, size=12.5, bold=True)
    _paragraph(motto, header.motto, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after_pt=0)
    _rule(motto, length_mm=58, width_mm=HEADER_COLUMNS_MM[1], after_pt=6)
    _paragraph(motto, header.dateline, size=14, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _title(document, content: PlanDocument) -> None:
    _paragraph(
        document,
        content.kind_name,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before_pt=12,
        after_pt=0,
    )
    _paragraph(document, content.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after_pt=0)
    _rule(document, length_mm=40, width_mm=TEXT_MM, after_pt=12)


def _tasks(document, content: PlanDocument, unit) -> None:
    heading = _paragraph(document, f"{unit.number}. {unit.unit_name}", bold=True, before_pt=6)
    heading.paragraph_format.keep_with_next = True
    table = _table(document, 1 + len(unit.tasks), TASK_COLUMNS_MM, style="Table Grid")
    _narrow_padding(table)
    columns = table.rows[0]
    _repeat_as_header(columns)
    for cell, column in zip(columns.cells, content.columns, strict=True):
        _first_paragraph(cell, column, size=TABLE_PT, bold=True)
    for row, task in zip(table.rows[1:], unit.tasks, strict=True):
        _keep_on_one_page(row)
        values = (str(task.number), task.title, task.items, task.target, task.person, task.deadline)
        for position, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            centred = position in (0, 5)
            _first_paragraph(
                cell,
                value,
                size=TABLE_PT,
                align=WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT,
            )


def _foot(document, content: PlanDocument) -> None:
    signature = content.signature
    _paragraph(document, after_pt=6)
    table = _table(document, 1, FOOT_COLUMNS_MM)
    _keep_on_one_page(table.rows[0])
    recipients, signer = table.rows[0].cells
    _first_paragraph(
        recipients, signature.label, size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    for line in signature.recipients:
        _paragraph(recipients, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT, after_pt=0)
    if signature.title:
        _first_paragraph(signer, signature.title[0], size=14, bold=True)
        for line in signature.title[1:]:
            _paragraph(
                signer, line, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after_pt=0
            )
    space = _paragraph(signer, align=WD_ALIGN_PARAGRAPH.CENTER, after_pt=0)
    space.paragraph_format.space_before = Mm(24)
    if signature.name:
        _paragraph(signer, signature.name, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def plan_docx(content: PlanDocument) -> bytes:
    document = Document()
    _setup(document)
    document.core_properties.title = f"{content.kind_name} {content.title}"
    document.core_properties.language = "vi-VN"
    _header(document, content)
    _title(document, content)
    for line in content.basis:
        _paragraph(document, line, indent_mm=10)
    for part in content.parts:
        heading = _paragraph(document, part.heading, bold=True, before_pt=6)
        heading.paragraph_format.keep_with_next = True
        for text in part.paragraphs:
            _paragraph(document, text, indent_mm=10)
        for unit in part.units:
            _tasks(document, content, unit)
    _foot(document, content)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_plan_docx(report, progress) -> tuple[str, bytes]:
    content = plan_document(issued_plan(report))
    progress(40)
    data = plan_docx(content)
    progress(95)
    return f"{content.file_stem}.docx", data
