"""Page objects: pure functions of (url, html) that read listings, feeds and articles."""
