"""Relevance: how much one item is about OSCE–INTERPOL co-operation.

One job: a pure function from an item's text (title, subtitle, body, source) to a level
(primary / secondary / mention / none), a score and the reasons — every matched span with its
field and position, and a last ``decision:*`` reason naming the rule that decided.

Sentences are scored one by one, never the whole document as a bag of words: only the sentences
around a name of the other organisation are read, so a multi-MB body costs one regex scan.
Settings: the ``[relevance]`` table of the config file, merged over ``defaults.toml`` (which
documents every key). Definitions: ARCHITECTURE.md, "Relevance, in words".

Read in this order: rules (the settings, compiled), text, sentences, matching, classify; then
evaluation (the figures on labelled items) and reclassify (the archive under new rules).
"""

from relevance.classify import classify, classify_article
from relevance.rules import DEFAULTS_PATH, Rules, RulesError, load_rules
from relevance.text import body_with_summary

__all__ = ["DEFAULTS_PATH", "Rules", "RulesError", "body_with_summary", "classify",
           "classify_article", "load_rules"]
