"""Cross-app tests: journeys that cross several apps."""
