#!/usr/bin/env python3
"""Fact-check site builder: `python scripts/claims.py --help`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from factcheck.cli import main

if __name__ == "__main__":
    sys.exit(main())
