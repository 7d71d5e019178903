"""Official letters as PDF (thai-documents.md): fonts, Thai line breaking, the letter frame, one module per kind."""
import os

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")  # PyThaiNLP must not create a data folder in the home directory
