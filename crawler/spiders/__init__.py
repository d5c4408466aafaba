"""The spiders: one per source, named after it (`scrapy crawl osce`, `scrapy crawl interpol`)."""
