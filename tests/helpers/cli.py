"""The `movement` command of this environment."""

from __future__ import annotations

import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "movement"
