"""The HTML report: ``page`` assembles one self-contained page from the section modules here."""
