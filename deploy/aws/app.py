#!/usr/bin/env python3
"""`cdk` entry point (cdk.json runs it): build the Atelier app from context and synthesize."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from atelier_infra import build_app

build_app().synth()
