"""Official letters as PDF (thai-documents.md): fonts, Thai line breaking, the letter frame and the wording the kinds
share. The kinds themselves, one module each, are app/services/letter_kinds/."""
import os

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")  # PyThaiNLP must not create a data folder in the home directory
