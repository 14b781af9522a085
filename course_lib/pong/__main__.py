"""Entry point: `python -m course_lib.pong --help`."""

import sys

from course_lib.pong.cli import main

sys.exit(main())
