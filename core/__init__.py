"""The ground floor: what every stage may import and which imports none of them — the option
list and config loading (config), the Article value (article, controls) and the source registry
(sources)."""
