"""Start Pasar Live: ``python run.py`` is ``pasar-live serve`` with embedded defaults."""

import sys

from orchestrator.cli import main

if __name__ == "__main__":
    sys.exit(main())
