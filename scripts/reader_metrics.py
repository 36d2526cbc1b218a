"""What a reader sees of each chapter without a click (see calcnotes.site.readerview).

    python scripts/reader_metrics.py [PAGE ...]
"""

import sys

from calcnotes.site.readerview import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
