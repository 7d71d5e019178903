"""The organisation tree: ministry → regional offices → provinces → cooperatives and area offices."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.clock import utcnow
from app.extensions import db


class UnitKind(str, enum.Enum):
    MINISTRY = "ministry"
    REGION = "region"
    PROVINCE = "province"
    COOPERATIVE = "cooperative"
    AREA_OFFICE = "area_office"
    # The unit that draws a retired teacher's pension and deducts from it (domain.md, "After approval" 3).
    PENSION_PAYER = "pension_payer"


# Which kinds may hang under which: the tree's shape, checked by the org-unit service.
ALLOWED_PARENT_KINDS: dict[UnitKind, tuple[UnitKind, ...]] = {
    UnitKind.MINISTRY: (),
    UnitKind.REGION: (UnitKind.MINISTRY,),
    # Bangkok sits directly under the ministry (no region number in the reference data).
    UnitKind.PROVINCE: (UnitKind.REGION, UnitKind.MINISTRY),
    UnitKind.COOPERATIVE: (UnitKind.PROVINCE,),
    UnitKind.AREA_OFFICE: (UnitKind.PROVINCE,),
    UnitKind.PENSION_PAYER: (UnitKind.PROVINCE,),
}


class OrgUnit(db.Model):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    # Materialised path of ids, "/1/4/52/": a unit's scope is every unit whose path starts with its own.
    path: Mapped[str] = mapped_column(String(255), default="")
    province_code: Mapped[str | None] = mapped_column(String(2))
    region_no: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    # Letterhead (thai-documents.md): the prefix of the running number after ที่ ("ศธ 0206.3"), the address
    # printed at the top right, the owning section, telephone and e-mail at the bottom left, and who signs.
    letter_prefix: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    section: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(120))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_position: Mapped[str | None] = mapped_column(String(200))
    # The emblem printed in the 3 cm at the top of the unit's external letters (issue 18): the storage key of the
    # image an administrator uploaded ("emblems/<sha256>.png", re-encoded, never overwritten), or none.
    emblem_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent")

    __table_args__ = (
        # LIKE 'path%' on PostgreSQL needs pattern ops under any collation but C (migration 0027)
        Index("ix_org_units_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
        Index("ix_org_units_kind", "kind"),
    )

    def covers(self, path: str) -> bool:
        """True when the object at `path` lies in this unit's subtree."""
        return path.startswith(self.path)

    @property
    def unit_kind(self) -> UnitKind:
        return UnitKind(self.kind)

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code} {self.kind}>"
