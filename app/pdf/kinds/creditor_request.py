"""Request to one creditor: the cooperative asks it to confirm and close, reschedule or accept a pro-rata share of
the teacher's debt, as the province approved. A pack is one of these per restructured debt."""
from __future__ import annotations

from app.pdf.content import Fields, LetterContent, Para
from app.pdf.kinds.common import baht, be_date, frame, money, months_text, rate


def compose(payload: dict) -> LetterContent:
    d = payload["data"]
    request, teacher = d["request"], d["teacher"]
    debt, terms = request["debt"], request["terms"]
    resolution = f" ตามมติ {d['resolution_no']}" if d.get("resolution_no") else ""
    body = [Para(f"ด้วย{d['cooperative']} ได้ดำเนินการแก้ไขปัญหาหนี้สินของ {teacher['name']} ตำแหน่ง "
                 f"{teacher['position']} {teacher['workplace']} ซึ่งสำนักงานศึกษาธิการจังหวัดได้อนุมัติแผนการแก้ไข"
                 f"ปัญหาหนี้สินแล้ว เมื่อวันที่ {be_date(d['approved_on'])}{resolution} "
                 f"โดยผู้กู้มีหนี้คงค้างกับท่าน จำนวน {baht(debt['outstanding'])} อัตราดอกเบี้ยร้อยละ "
                 f"{rate(debt['rate'])} ต่อปี ผ่อนชำระเดือนละ {money(debt['monthly'])} บาท")]
    if request["treatment"] == "consolidate":
        body += [Para(f"{d['cooperative']} จะรวมหนี้ดังกล่าวเข้าเป็นเงินกู้ใหม่ของสหกรณ์ และชำระหนี้คงค้างทั้งหมดแทนผู้กู้ "
                      "จึงขอความร่วมมือท่านแจ้งยอดหนี้ที่ต้องชำระเพื่อปิดบัญชี ณ วันที่ชำระ พร้อมเลขที่บัญชีสำหรับรับชำระ "
                      "และเมื่อได้รับชำระครบถ้วนแล้ว ขอได้โปรดปิดบัญชีและปลดภาระผู้ค้ำประกัน"),
                 Fields(rows=(("ยอดหนี้ตามทะเบียน", f"{money(debt['outstanding'])} บาท"),
                              ("เงินกู้ใหม่ที่รวมหนี้", f"{money(terms['principal'])} บาท"),
                              ("เริ่มชำระงวดแรก", be_date(d["first_due"]))))]
    elif request["treatment"] == "reschedule":
        body += [Para("จึงขอความร่วมมือท่านปรับโครงสร้างหนี้ดังกล่าวตามแผนที่ได้รับอนุมัติ ดังนี้"),
                 Fields(rows=(("เงินต้น", f"{money(terms['principal'])} บาท"),
                              ("อัตราดอกเบี้ย", f"ร้อยละ {rate(terms['annual_rate'])} ต่อปี"),
                              ("ระยะเวลา", months_text(terms["term_months"])),
                              ("ผ่อนชำระงวดละ", baht(terms["monthly_payment"])),
                              ("เริ่มชำระงวดแรก", be_date(d["first_due"]))))]
    else:
        body += [Para("เนื่องจากเงินเดือนคงเหลือของผู้กู้ไม่พอชำระหนี้ทุกรายตามสัญญาเดิม จึงขอความร่วมมือท่านรับชำระหนี้"
                      f"ตามสัดส่วนเดือนละ {baht(terms['monthly_payment'])} ตั้งแต่งวดเดือน{be_date(d['first_due'])[2:]}"
                      " เป็นต้นไป")]
    body.append(Para("จึงเรียนมาเพื่อโปรดพิจารณาให้ความร่วมมือ และแจ้งผลให้สหกรณ์ทราบภายใน 15 วัน นับแต่วันที่ได้รับหนังสือนี้"))
    return frame(payload, body=tuple(body), reference=f"กรณีเลขที่ {d['reference']}")
