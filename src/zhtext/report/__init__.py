"""Self-contained HTML reports: one page style, tables and inline SVG charts.

Every page zhtext writes (classification and tagging reports, leaderboards, topics,
pretraining) needs nothing but a browser: no scripts, no style sheets or fonts fetched, no
image files, a CJK font stack first; every user-supplied string is escaped.
"""
