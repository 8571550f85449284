"""The production settings with demo mode on: only to load the demo county into the drill's database with the same
keys the nodes use (tests/deploy/test_node_drill.py; `seed_demo` refuses outside demo mode). Never for a node."""
from config.settings.prod import *  # noqa: F403
from config.settings.prod import BIANMIN

BIANMIN = {**BIANMIN, "DEMO_MODE": True}
