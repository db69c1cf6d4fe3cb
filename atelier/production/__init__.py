"""Per-piece production: items, their codes and tags."""
