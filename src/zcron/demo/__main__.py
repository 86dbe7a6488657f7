"""``python -m zcron.demo``: run the demo (see ``zcron.demo``)."""
import sys

from zcron.demo import main

sys.exit(main())
