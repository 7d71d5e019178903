"""The faster Reed–Solomon arithmetic of app/pdf/qr.py draws ReportLab's own codes, module for module: verification
addresses of every length a letter may carry (versions 2 to 10), and edge cases of the division (data whose
leading codewords cancel to zero)."""
import random

import pytest

from app.pdf import qr


def addresses() -> list[str]:
    rng = random.Random(2569)
    out = [f"https://krudesk.example.go.th/verify/{'0' * n}" for n in (1, 20, 40)]
    for _ in range(150):
        token = "".join(rng.choice("0123456789abcdefghijklmnopqrstuvwxyz-_") for _ in range(rng.randint(4, 160)))
        out.append(f"http://127.0.0.1:{rng.randint(1000, 9999)}/verify/{token}")
    return out


@pytest.mark.nodb
def test_codes_are_reportlabs_module_for_module():
    urls = addresses()
    ours = [qr.modules.__wrapped__(url) for url in urls]
    with qr.reportlab_encoder():
        theirs = [qr.modules.__wrapped__(url) for url in urls]
    assert ours == theirs
    assert len({len(code) for code in ours}) >= 5  # several versions were drawn
