"""Data-driven test corpora (tables of cases that test modules parametrize over)."""
