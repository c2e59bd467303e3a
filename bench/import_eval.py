"""Quote precision, recall and speaker accuracy of `sitegen import` over tests/import_eval/.

Usage: python bench/import_eval.py [DIR]
(the same as python -m sitegen.commands.importer.evaluate)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitegen.commands.importer.evaluate import main

if __name__ == "__main__":
    sys.exit(main())
