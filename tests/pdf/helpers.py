"""Reading generated PDFs back with poppler (pdftotext, pdffonts, pdftoppm) and zbar, as a reader would."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unicodedata

import pytest


PACKAGES = {"pdftotext": "poppler-utils", "pdffonts": "poppler-utils", "pdfinfo": "poppler-utils",
            "pdftoppm": "poppler-utils", "zbarimg": "zbar-tools"}


def need(tool: str) -> None:
    """A missing tool skips locally but fails in CI (which installs poppler-utils and zbar-tools)."""
    if shutil.which(tool) is None:
        install = f"apt-get install {PACKAGES[tool]}"
        if os.environ.get("KRUDESK_REQUIRE_BROWSER"):
            pytest.fail(f"{tool} is required here: {install}")
        pytest.skip(f"reading PDFs back needs {tool}, which is not installed ({install}); "
                    "CI installs it and fails instead of skipping")


def _run(args: list[str], content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        return subprocess.run([*args, handle.name, *(["-"] if args[0] == "pdftotext" else [])],
                              capture_output=True, text=True, check=True).stdout


def pdf_text(content: bytes) -> str:
    """The text a reader copies out, normalised for comparison with `norm`: NFKC (ำ copies out as its
    compatibility decomposition ํา) and no whitespace, since a Thai line break is not a space."""
    need("pdftotext")
    return norm(_run(["pdftotext", "-raw"], content))


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def pdf_fonts(content: bytes) -> list[dict]:
    need("pdffonts")
    lines = _run(["pdffonts"], content).splitlines()[2:]
    return [{"name": line.split()[0], "embedded": line.split()[-5] == "yes"} for line in lines if line.strip()]


def page_count(content: bytes) -> int:
    need("pdfinfo")
    info = _run(["pdfinfo"], content)
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def qr_codes(content: bytes, page: int = 1) -> list[str]:
    need("pdftoppm")
    need("zbarimg")
    with tempfile.TemporaryDirectory() as folder:
        pdf = os.path.join(folder, "letter.pdf")
        with open(pdf, "wb") as handle:
            handle.write(content)
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page), pdf,
                        os.path.join(folder, "page")], check=True)
        png = next(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".png"))
        found = subprocess.run(["zbarimg", "-q", "--raw", png], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if line]
