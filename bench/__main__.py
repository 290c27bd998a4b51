"""`python -m bench`: the benchmark's entry point (bench.run)."""

import sys

from bench.run import main

sys.exit(main())
