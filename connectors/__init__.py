"""One package per source system. A connector reads and yields raw records; it never writes."""
