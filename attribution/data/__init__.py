"""Data files the engine reads: see build_first_names.py for how first_names.tsv is made."""
