"""Deterministic demo company generator: the landing files of a realistic commercial org.

from scorecard.generate import generate_company
summary = generate_company(Path("var/landing"), scale=1.0, seed=42)
"""

from scorecard.generate.company import MANIFEST, GenerationSummary, generate_company

__all__ = ["MANIFEST", "GenerationSummary", "generate_company"]
