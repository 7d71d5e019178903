"""Reading generated PDFs back as a reader would, with libraries that install from PyPI everywhere (so these
tests never skip): PDFium — the engine Chrome opens PDFs with — for the text a reader copies out and for the
rendered page, pypdf for the fonts in the file, and zxing-cpp to scan the QR code off the rendered page.

Also what the layout tests of issue 18 share (one module: a test module never imports another, issue 15): the
lines and positions of what is drawn, 200 awkward names, and letters of every kind issued through the services
for them.
"""
from __future__ import annotations

import copy
import itertools
import json
import unicodedata
from io import BytesIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import zxingcpp
from pypdf import PdfReader

from app.demo import DEMO_DECIDED_DEBT, DEMO_DECIDED_RELIEF, DEMO_EVIDENCE
from app.models import Letter
from app.services import letters, relief, relief_evidence, relief_input, relief_payments
from app.services.debt_cases import create_case
from app.services.debt_input import parse_case
from app.services.debt_plans import create_plan
from app.services.workflow import TransitionRequest, transition
from tests.factories import user
from tests.helpers import citizen_id


def pdf_text(content: bytes) -> str:
    """The text a reader copies out, normalised for comparison with `norm`: NFKC (ำ copies out as its
    compatibility decomposition ํา) and no whitespace, since a Thai line break is not a space."""
    return "".join(page_texts(content))


def page_texts(content: bytes) -> list[str]:
    """The same, page by page."""
    document = pdfium.PdfDocument(content)
    try:
        return [norm(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def pdf_fonts(content: bytes) -> list[dict]:
    """Every font the pages use: its name, and whether the font program is in the file."""
    fonts = {}
    for page in PdfReader(BytesIO(content)).pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"]).lstrip("/")] = embedded
    return [{"name": name, "embedded": embedded} for name, embedded in fonts.items()]


def page_count(content: bytes) -> int:
    return len(PdfReader(BytesIO(content)).pages)


def qr_codes(content: bytes, page: int = 1) -> list[str]:
    """The QR codes found on a page rendered at 150 dpi, as a phone would see it printed."""
    document = pdfium.PdfDocument(content)
    try:
        image = document[page - 1].render(scale=150 / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.QRCode]


# ---- where things are drawn (issue 18) --------------------------------------------------------------------------

def page_lines(content: bytes) -> list[list[str]]:
    """Each page's lines as laid out, normalised like norm (NFKC, no whitespace).

    Lines are told apart by where the characters sit, not by the line breaks PDFium's text adds: it puts one
    inside a cluster when a mark is drawn left of where the line has reached ("พงษ|์" in an 18 pt title). A mark
    (a combining vowel or tone) belongs to the line it is drawn on; any other character starts a new line when
    it lies wholly above or below the base characters of the current one."""
    document = pdfium.PdfDocument(content)
    try:
        pages = []
        for page in document:
            text = page.get_textpage()
            lines: list[str] = []
            current, low, high = "", None, None
            for i in range(text.count_chars()):
                ch = text.get_text_range(i, 1)
                if not ch.strip():
                    continue
                left, bottom, right, top = text.get_charbox(i)
                if unicodedata.category(ch) != "Mn":
                    if low is not None and (top < low or bottom > high):
                        lines.append(current)
                        current, low, high = "", None, None
                    low = bottom if low is None else min(low, bottom)
                    high = top if high is None else max(high, top)
                current += ch
            if current:
                lines.append(current)
            pages.append([line for line in (norm(x) for x in lines) if line])
        return pages
    finally:
        document.close()


def chars(content: bytes, page: int = 0) -> list[tuple[str, float, float, float, float]]:
    """(character, left, bottom, right, top) in points, origin at the bottom left, of every character drawn."""
    document = pdfium.PdfDocument(content)
    try:
        text = document[page].get_textpage()
        out = []
        for i in range(text.count_chars()):
            ch = text.get_text_range(i, 1)
            if ch.strip():
                out.append((ch, *text.get_charbox(i)))
        return out
    finally:
        document.close()


def find(content: bytes, needle: str, page: int = 0) -> tuple[float, float, float, float] | None:
    """The box (left, bottom, right, top) of the first occurrence of `needle` (compared without whitespace)."""
    boxes = chars(content, page)
    joined = "".join(unicodedata.normalize("NFKC", c[0]) for c in boxes)
    target = norm(needle)
    # NFKC may turn one character into two (ำ → ํา): map positions through the expansion
    owners = [i for i, c in enumerate(boxes) for _ in unicodedata.normalize("NFKC", c[0])]
    at = joined.find(target)
    if at < 0:
        return None
    mine = [boxes[owners[k]] for k in range(at, at + len(target))]
    return (min(b[1] for b in mine), min(b[2] for b in mine), max(b[3] for b in mine), max(b[4] for b in mine))


def images(content: bytes, page: int = 0) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of every image drawn on the page."""
    document = pdfium.PdfDocument(content)
    try:
        return [obj.get_bounds() for obj in document[page].get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))]
    finally:
        document.close()


def page_size(content: bytes) -> tuple[float, float]:
    document = pdfium.PdfDocument(content)
    try:
        return document[0].get_size()
    finally:
        document.close()


def lowest_text(content: bytes, page: int, above: float) -> float | None:
    """The bottom of the lowest character drawn above y = `above` (the text area; the margin holds furniture)."""
    bottoms = [c[2] for c in chars(content, page) if c[2] >= above]
    return min(bottoms) if bottoms else None


# ---- 200 real-looking names (issue 18) -------------------------------------------------------------------------

# Thai, Malay-Thai (the southern border provinces) and long compound surnames: words no dictionary knows, which
# newmm cut anywhere ("นูรฮายา|ตี", "สา|และ", "นาง|รัตนา"). Built deterministically from parts, so a failure names
# the same person every run.
TITLES = ("นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "เด็กชาย", "เด็กหญิง", "ดร.", "ว่าที่ร้อยตรีหญิง")
FIRST = (
    # Malay-Thai
    "นูรฮายาตี", "อับดุลเลาะ", "มูฮัมหมัดซากี", "ซูไฮมี", "ฟาตีมะห์", "รอฮีมะห์", "อิสมาแอ", "ยูโซ๊ะ", "แวมะ",
    "นูรีซัน", "ซัลมาณ", "อัสมะ", "มะรอนิง", "ฮาซัน", "ซารีฟะห์", "อาแว", "นิอาซีซะห์", "ตูแวดานียา",
    "มูฮำหมัดฟัครุดดีน", "ฮัสบุลลอฮ์",
    # Thai
    "รัตนา", "พิมพ์ใจ", "สมพงษ์", "ขวัญใจ", "ประเสริฐ", "ณัฐวุฒิ", "กาญจนาภรณ์", "ธนพัฒน์", "ศิริลักษณ์",
    "วรวิทย์", "จิราพัชร", "ปิยะนุช", "เกียรติศักดิ์", "ฤทัยรัตน์", "ภูมิรพี", "สุภาวดี",
)
LAST = (
    "สาและ", "ตาเยะ", "ดอเลาะ", "แวดือราแม", "หะยีสาแม", "ยีปาโล๊ะ", "เจ๊ะมะ", "บินหะยีอาแว", "มะลาเฮาะ",
    "อาลีมามะ", "กาเต็มมะดี", "หะยีดาโอะ", "ณ อยุธยา", "ณ ป้อมเพชร", "ศรีวงศ์", "แก้วมณี",
    "ศรีสุวรรณวงศ์ไพศาล", "ประเสริฐสุขสวัสดิ์", "วงศ์สวัสดิ์สุนทรกุล", "จันทร์เจริญรุ่งเรืองกิจ",
    "ธนาธิปไตยวัฒนาพงศ์", "พงษ์พิพัฒน์ไพบูลย์", "อัครเศรษฐ์เสถียร", "เลิศวิริยะประเสริฐ",
)


def names(count: int = 200) -> list[str]:
    """`count` distinct names "title+first last", the parts combined in a spread-out order."""
    combos = itertools.product(range(len(TITLES)), range(len(FIRST)), range(len(LAST)))
    out: list[str] = []
    for n, (t, f, l) in enumerate(combos):
        # walk the product with co-prime strides so consecutive names differ in every part
        t, f, l = (n * 3) % len(TITLES), (n * 7) % len(FIRST), (n * 5 + n // len(LAST)) % len(LAST)
        name = f"{TITLES[t]}{FIRST[f]} {LAST[l]}"
        if name not in out:
            out.append(name)
        if len(out) == count:
            return out
    raise AssertionError("not enough distinct names")


def units(name: str) -> tuple[str, str]:
    """"title + first name" and the last name: what may never be broken."""
    first, _, last = name.partition(" ")
    return first, last


# ---- letters of every kind issued through the real services, for awkward names and data (issue 18) -------------

DEBT_KINDS = ("case_summary", "approval_notice", "deduction_notice", "schedule")
RELIEF_KINDS = ("decision_notice", "payment_memo", "scholarship_continuation")
CREDITORS = ("ธนาคารออมสิน (ช.พ.ค.)", "ธนาคารกรุงไทย จำกัด (มหาชน)", "บริษัทบัตรกรุงไทย จำกัด (มหาชน)",
             "ธนาคารอาคารสงเคราะห์", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร (ธ.ก.ส.)", "บริษัท อิออน ธนสินทรัพย์ (ไทยแลนด์) จำกัด (มหาชน)")


def split(name: str) -> dict:
    """A name as the forms take it: title, first name, last name ("ว่าที่ร้อยตรีหญิง" and "ดร." are titles)."""
    first, _, last = name.partition(" ")
    title = max((t for t in TITLES if first.startswith(t)), key=len, default="")
    return {"title": title, "first_name": first[len(title):], "last_name": last}


def debt_case(teacher: str, n: int, debts: int = 3):
    """An approved debt case of `teacher` with `debts` debts (the first owed to the cooperative, all consolidated
    but one rescheduled), through the services."""
    username, body = DEMO_DECIDED_DEBT
    body = copy.deepcopy(body)
    body["teacher"] = {**body["teacher"], **split(teacher), "citizen_id": citizen_id(700 + n)}
    extra = []
    for k in range(max(0, debts - len(body["debts"]))):
        extra.append({"creditor_name": f"{CREDITORS[k % len(CREDITORS)]} สาขาที่ {k + 1}",
                      "creditor_type": "other_bank", "outstanding": f"{20000 + k * 1500}.00", "annual_rate": "12.00",
                      "monthly_payment": f"{700 + k * 10}.00", "remaining_months": 36, "legal_status": "normal"})
    body["debts"] = (body["debts"] + extra)[:debts]
    body["monthly_salary"] = "99000.00"  # enough that a plan consolidating every debt is approvable
    coop, approver = user(username), user("province_approver")
    case = create_case(coop, parse_case(body))
    ids = [d.id for d in case.debts]
    plan = create_plan(coop, case.id, {"label": "รวมหนี้เข้าสหกรณ์", "consolidate": {
        "debt_ids": ids[:1] + ids[2:], "annual_rate": "4.75", "term_months": 96, "method": "annuity"},
        "reschedule": [{"debt_id": ids[1], "annual_rate": "5.25", "term_months": 60}]})
    transition("debt", coop, case.id, TransitionRequest("submit", plan_id=plan.id))
    transition("debt", approver, case.id, TransitionRequest("approve", resolution_no="ศธจ.ชม. 12/2569"))
    return case


def relief_case(victim: str, heirs: list[str], n: int):
    """An approved, once-paid relief case: `victim` and `heirs` (the first the spouse, the rest children at
    school), through the services."""
    body = copy.deepcopy(DEMO_DECIDED_RELIEF)
    body["victim"] = {**body["victim"], **split(victim), "citizen_id": citizen_id(800 + n * 20)}
    beneficiaries = []
    for k, heir in enumerate(heirs):
        spouse = k == 0
        beneficiaries.append({**split(heir), "citizen_id": citizen_id(801 + n * 20 + k),
                              "birth_date": "1979-02-11" if spouse else f"{2008 + k % 10}-06-05",
                              "relationship": "spouse" if spouse else "child",
                              "education_level": None if spouse else ("primary", "lower_secondary", "vocational")[k % 3],
                              **({"bank_account": f"402-1-{23456 + k}-7"} if k % 2 == 0 else {})})
    body["beneficiaries"] = beneficiaries
    officer, approver = user("south_officer"), user("south_approver")
    case = relief.create_case(officer, relief_input.parse_relief(body))
    for kind in relief.missing_evidence(case):
        relief_evidence.add_evidence(officer, case.id, kind, f"{kind}.pdf", DEMO_EVIDENCE)
    transition("relief", officer, case.id, TransitionRequest("verify"))
    transition("relief", approver, case.id, TransitionRequest("approve", resolution_no="คกก.เยียวยา 2/2568"))
    first = next(e for e in case.entitlements if not e.schedule)
    relief_payments.record_payment(officer, case.id, {"entitlement_id": first.id, "amount": "250000.00",
                                                      "paid_on": "2025-06-30", "reference": "PV-2568/014"})
    return case


def every_kind(debt, relief_case_) -> dict[str, Letter]:
    """One letter of each kind (a creditor request for the rescheduled debt), issued through the services."""
    out = {}
    officer, coop, south = user("province_officer"), user("coop_officer"), user("south_officer")
    for kind in DEBT_KINDS:
        out[kind] = letters.issue(coop if kind == "case_summary" else officer, "debt", debt.id, kind)
    out["creditor_request"] = letters.issue(coop, "debt", debt.id, "creditor_request", debt_id=debt.debts[1].id)
    for kind in RELIEF_KINDS:
        out[kind] = letters.issue(south, "relief", relief_case_.id, kind)
    return out


def renamed(payload: dict, mapping: dict[str, str]) -> dict:
    """The stored payload with people renamed everywhere it prints them (subject, addressee, body data)."""
    text = json.dumps(payload, ensure_ascii=False)
    for old, new in sorted(mapping.items(), key=lambda item: -len(item[0])):
        text = text.replace(json.dumps(old, ensure_ascii=False)[1:-1], json.dumps(new, ensure_ascii=False)[1:-1])
    return json.loads(text)


def at_layout(payload: dict, layout: int) -> dict:
    """A stored payload as if issued with page layout `layout` (payload["letter"]["layout"]; none is layout 1)."""
    payload = copy.deepcopy(payload)
    payload["letter"]["layout"] = layout
    return payload
