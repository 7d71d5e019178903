"""Issue 18, item 4: the emblem in the 3 cm at the top of a unit's external letters is an image its administrator
uploads — PNG or JPEG, checked by content (magic bytes, Pillow decodes it whole), at most 1 MB and 64–3,000 px a
side, re-encoded as PNG and stored content-addressed — audited; and the unit page says a dotted line is printed
until the signer's name and position are set."""
import io

import pytest
from flask_babel import force_locale, gettext
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OrgUnit
from app.pdf.content import LetterContent, Letterhead, Para
from app.pdf.frame import EMBLEM_HEIGHT, FRAME_PADDING, PAGE_HEIGHT, PAGE_WIDTH, TOP, LetterRenderer
from app.services import org as org_service
from app.services.errors import ValidationFailed
from app.storage import storage
from tests.factories import unit_by_code
from tests.pdf.helpers import images


def image_bytes(fmt="PNG", size=(300, 330), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (150, 20, 20)).save(out, fmt)
    return out.getvalue()


def edit_form(unit: OrgUnit, **extra) -> dict:
    return {"kind": unit.kind, "code": unit.code, "name": unit.name, "name_en": unit.name_en or "",
            "parent_id": unit.parent_id, "active": "y", **extra}


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_png_and_jpeg_are_accepted_and_re_encoded_as_png(fmt):
    emblem = org_service.check_emblem(image_bytes(fmt))
    assert emblem.png.startswith(b"\x89PNG\r\n\x1a\n") and emblem.source_format == fmt
    assert (emblem.width, emblem.height) == (300, 330) and emblem.key == f"emblems/{emblem.sha256}.png"


@pytest.mark.parametrize("data, why", [
    (b"", "empty"),
    (image_bytes("GIF"), "a GIF"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "an SVG"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a PNG header and nothing that decodes"),
    (image_bytes("PNG")[:-40], "a truncated PNG"),
    (b"\xff\xd8\xff" + image_bytes("PNG")[3:], "PNG content under JPEG magic"),
    (image_bytes("PNG", size=(40, 40)), "too small"),
    (image_bytes("PNG", size=(3200, 100)), "too large a side"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024), "over 1 MB"),
])
def test_what_is_not_a_sound_png_or_jpeg_is_refused(data, why):
    with pytest.raises(ValidationFailed) as error:
        org_service.check_emblem(data)
    assert "emblem" in error.value.fields, why


def test_the_administrator_uploads_replaces_and_removes_a_units_emblem(as_user):
    province = unit_by_code("50")
    client = as_user("admin")
    page = client.get(f"/admin/org-units/{province.id}/edit").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="emblem"' in page
    with force_locale("th"):
        hint = gettext("Printed under the signature. Letters print a dotted line until this is set.")
    with force_locale("en"):
        hint_en = gettext("Printed under the signature. Letters print a dotted line until this is set.")
    assert hint in page or hint_en in page  # the signer fields say what prints until they are set

    png = image_bytes("JPEG")
    response = client.post(f"/admin/org-units/{province.id}/edit", content_type="multipart/form-data",
                           data={**edit_form(province), "emblem": (io.BytesIO(png), "garuda.jpg")})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    db.session.expire_all()
    key = db.session.get(OrgUnit, province.id).emblem_key
    assert key and key.startswith("emblems/") and storage().read(key).startswith(b"\x89PNG")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org_unit.emblem"))
    assert event.after["emblem_key"] == key and event.after["format"] == "JPEG" and event.before["emblem_key"] is None

    # the stored emblem is what a letter of the unit draws, centred in its 3 cm
    content = LetterContent(form="external", number_text="ศธ 0206.3/1", issued_on="1 ธันวาคม 2569", subject="ทดสอบ",
                            addressee="ผู้อำนวยการโรงเรียน", verify_url="http://localhost/verify/x",
                            letterhead=Letterhead(office_name=province.name, emblem=key), body=(Para("ข้อความ"),))
    drawn = images(LetterRenderer(emblem_loader=storage().read).render([content]))
    band = PAGE_HEIGHT - TOP - FRAME_PADDING - EMBLEM_HEIGHT
    top = [b for b in drawn if b[1] >= band - 1]
    assert len(top) == 1 and abs((top[0][0] + top[0][2]) / 2 - PAGE_WIDTH / 2) < 1

    # a refused file changes nothing and says why, beside the field
    refused = client.post(f"/admin/org-units/{province.id}/edit", content_type="multipart/form-data",
                          data={**edit_form(province, address="ถนนใหม่"),
                                "emblem": (io.BytesIO(b"GIF89a" + b"\x00" * 30), "emblem.png")})
    assert refused.status_code == 422 and 'data-field="emblem"' in refused.get_data(as_text=True)
    db.session.expire_all()
    unit = db.session.get(OrgUnit, province.id)
    assert unit.emblem_key == key and unit.address != "ถนนใหม่"

    removed = client.post(f"/admin/org-units/{province.id}/edit", data={**edit_form(province), "remove_emblem": "y"})
    assert removed.status_code == 302
    db.session.expire_all()
    assert db.session.get(OrgUnit, province.id).emblem_key is None
    assert storage().exists(key)  # kept: letters issued with it still print it
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "org_unit.emblem")).all()
    assert len(actions) == 2


def test_an_officer_cannot_change_a_units_emblem(as_user):
    province = unit_by_code("50")
    response = as_user("province_officer").post(
        f"/admin/org-units/{province.id}/edit", content_type="multipart/form-data",
        data={**edit_form(province), "emblem": (io.BytesIO(image_bytes()), "e.png")})
    assert response.status_code == 403
    assert db.session.get(OrgUnit, province.id).emblem_key is None
