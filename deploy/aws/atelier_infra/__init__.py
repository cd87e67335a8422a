"""Atelier's AWS infrastructure as a CDK v2 app: one stack, built from small constructs.

`build_app` is what `app.py` (the `cdk` entry point) and the tests call, so the tests check
exactly what `cdk deploy` would deploy.
"""

from atelier_infra.stack import build_app

__all__ = ["build_app"]
