"""Layout candidates: label/value pairs, tables, party recitals and signature blocks found in parsed text."""
