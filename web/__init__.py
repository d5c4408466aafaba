"""The archive's web room: the HTTP app (app.py, served by server.py) with its HTML pages
(pages.py), JSON API (api.py) and on-demand crawls; it serves the feeds that feeds/ builds."""
