#!/usr/bin/env python
"""Django's command-line entry point for Atelier."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as exc:  # one line naming the variable, not a traceback
        sys.stderr.write(f"atelier: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
